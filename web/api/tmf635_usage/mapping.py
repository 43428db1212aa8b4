"""TMF635 ``usage`` JSON from mediation's normalised usage records, with their state and
lineage (read-only: usage comes from network element files, not from clients).

- ``status``: handed to rating shows as ``guided``; ``rated``/``billed`` as such; a record
  rating could not price shows as ``rejected``. Filter with ``?status=rated``.
- ``usageType`` is the service: ``voice``, ``sms`` or ``data``.
- ``usageCharacteristic`` carries the subscriber, the other party, quantities, roaming and the
  lineage: ``sourceFile``, ``sourceFileId`` and ``recordOffset``.
- ``ratedProductUsage`` lists what rating charged for the record, when it has been rated.
"""
from __future__ import annotations

import sqlalchemy as sa

from billing.rating.models import RatedUsage
from core.clock import isoformat_z
from core.db import db
from mediation.models import MediationFile, UsageRecord
from web.api.tmf.render import compact, drop_empty

TMF_STATUS = {"distributed": "guided", "rated": "rated", "rating_error": "rejected", "billed": "billed"}
STATUS_FROM_TMF = {tmf: ours for ours, tmf in TMF_STATUS.items()}


def _characteristics(record: UsageRecord, file: MediationFile | None) -> list[dict]:
    values = [
        ("msisdn", record.msisdn, "string"), ("direction", record.direction, "string"),
        ("otherParty", record.other_party, "string"), ("startDateTime", isoformat_z(record.started_at), "string"),
        ("durationSeconds", record.duration_s, "integer"), ("messages", record.messages, "integer"),
        ("volumeUpBytes", record.volume_up, "integer"), ("volumeDownBytes", record.volume_down, "integer"),
        ("roaming", record.roaming, "boolean"), ("visitedNetwork", record.visited_network, "string"),
        ("location", record.location, "string"), ("recordType", record.record_type, "string"),
        ("mergedParts", record.parts, "integer"), ("splitPart", record.split, "string"),
        ("sourceFile", file.name if file else None, "string"), ("sourceFileId", record.file_id, "integer"),
        ("recordOffset", record.record_offset, "integer"), ("mediationState", record.state, "string"),
    ]
    return [{"name": name, "value": value, "valueType": kind} for name, value, kind in values if value is not None]


def _rated(record: UsageRecord) -> list[dict]:
    rated = db.session.scalars(sa.select(RatedUsage).where(RatedUsage.usage_id == record.id).order_by(RatedUsage.id))
    out = []
    for r in rated:
        if r.bucket_units and not r.amount:
            tag = "included usage"
        elif r.bucket_units:
            tag = "non included usage"
        else:
            tag = "usage"
        out.append(compact({
            "ratingDate": isoformat_z(r.created_at), "usageRatingTag": tag, "isBilled": False,
            "ratingAmountType": "total", "offerTariffType": r.zone,
            "taxExcludedRatingAmount": {"unit": r.currency, "value": r.amount},
            "productRef": {"id": str(r.subscription_id), "@referredType": "Product"},
            "@type": "RatedProductUsage" if r.status == "rated" else "ReversedRatedProductUsage",
        }))
    return out


def to_tmf(record: UsageRecord) -> dict:
    file = db.session.get(MediationFile, record.file_id)
    return drop_empty({
        "id": str(record.id),
        "description": f"{record.service} {'outgoing' if record.direction == 'out' else 'incoming'} "
                       f"({record.record_type})",
        "usageDate": isoformat_z(record.started_at),
        "usageType": record.service,
        "status": TMF_STATUS.get(record.state, record.state),
        "usageSpecification": {"id": record.record_type, "name": record.record_type,
                               "@referredType": "UsageSpecification"},
        "usageCharacteristic": _characteristics(record, file),
        "ratedProductUsage": _rated(record),
        "@type": "Usage",
    })
