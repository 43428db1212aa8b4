"""Usage Consumption (TMF677): ``queryUsageConsumption`` answers what a line may still use.

POST a query naming lines by ``searchCriteria.product[].id`` (the TMF637 product, i.e. the
subscription), by MSISDN (``searchCriteria.logicalResource[]`` with ``name`` or ``id`` the number,
or a ``productCharacteristic``-style ``value``), or by ``partyAccount[].id`` (every line of a
billing account). The answer (201) holds one ``usageConsumption`` per line, whose
``bucketRefOrValue`` lists the live unit buckets (``usageType`` voice/sms/data, remaining and
used in seconds, messages or bytes, validity) and, on prepaid lines, the money balance as a
bucket of ``usageType`` ``monetary`` in the account's currency. ``GET /queryUsageConsumption/{id}``
returns a query as it was answered.
"""
from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from billing.rating import consumption as service
from billing.rating.models import ConsumptionQuery
from core.clock import isoformat_z
from core.db import db
from core.errors import ValidationError
from core.money import quantize
from core.msisdn import normalise
from web import context
from web.api import account as account_api
from web.api import inventory
from web.api.filters import by_id
from web.api.payload import get_obj, get_objects, ref_id
from web.api.render import compact
from web.api.tmf import Resource, TmfApi

API = TmfApi(
    "usageConsumption",
    title="Usage Consumption (TMF677)",
    spec_file="TMF677-UsageConsumption-v4.0.0.swagger.json",
)

UNITS = {"voice": "seconds", "sms": "messages", "data": "bytes"}


def _criteria(body: dict) -> tuple[list[int], list[str], list[int]]:
    search = get_obj(body, "searchCriteria") or {}
    products, msisdns, accounts = [], [], []
    for index, ref in enumerate(get_objects(search, "product")):
        ident = ref_id(ref, f"searchCriteria.product[{index}]")
        if not ident.isdigit():
            raise ValidationError(f"there is no product {ident}", field="searchCriteria.product")
        products.append(int(ident))
    for index, ref in enumerate(get_objects(search, "logicalResource")):
        number = ref.get("value") or ref.get("name") or ref.get("id")
        if not isinstance(number, str) or not number.strip():
            raise ValidationError("a logical resource needs the MSISDN as name, id or value",
                                  field=f"searchCriteria.logicalResource[{index}]")
        msisdns.append(normalise(number, context.settings().default_region))
    for index, ref in enumerate(get_objects(body, "partyAccount") + get_objects(search, "partyAccount")):
        ident = ref_id(ref, f"partyAccount[{index}]")
        if not ident.isdigit():
            raise ValidationError(f"there is no billing account {ident}", field="partyAccount")
        accounts.append(int(ident))
    if not (products or msisdns or accounts):
        raise ValidationError("name a product (searchCriteria.product), an MSISDN (searchCriteria.logicalResource) "
                              "or a billing account (partyAccount)", field="searchCriteria")
    return products, msisdns, accounts


def _bucket(bucket, product_ref: dict, paid: int) -> dict:
    units = UNITS[bucket.service]
    used = bucket.initial - bucket.remaining
    return compact({
        "id": f"bucket-{bucket.id}", "name": f"{bucket.service} {bucket.source}", "usageType": bucket.service,
        "isShared": False, "status": "active" if bucket.remaining else "exhausted",
        "description": f"scope {bucket.scope}" if bucket.scope else None,
        "remainingValue": {"amount": bucket.remaining, "units": units},
        "remainingValueName": _readable(bucket.service, bucket.remaining),
        "bucketCounter": [
            {"counterType": "used", "level": "global", "value": {"amount": used, "units": units},
             "valueName": _readable(bucket.service, used),
             "consumptionPeriod": {"startDateTime": isoformat_z(bucket.valid_from)}, "@type": "ConsumptionSummary"},
            {"counterType": "outOfBucket", "level": "global", "value": {"amount": paid, "units": units},
             "@type": "ConsumptionSummary"}],
        "validFor": compact({"startDateTime": isoformat_z(bucket.valid_from),
                             "endDateTime": isoformat_z(bucket.valid_to)}),
        "product": [product_ref], "@type": "BucketRefOrValue"})


def _readable(service_name: str, amount: int) -> str:
    if service_name == "voice":
        return f"{amount // 60} min {amount % 60} s"
    if service_name == "data":
        return f"{amount / (1024 * 1024):.1f} MB"
    return f"{amount} SMS"


def _line(consumption: service.LineConsumption) -> dict:
    line, account = consumption.subscription, consumption.account
    product_ref = {"id": str(line.id), "href": inventory.API.href("product", str(line.id)), "name": line.msisdn,
                   "@referredType": "Product"}
    buckets = [_bucket(b, product_ref, consumption.out_of_bucket.get(b.service, 0)) for b in consumption.buckets]
    if consumption.balance is not None:
        buckets.append({"id": f"balance-{account.id}", "name": "Prepaid balance", "usageType": "monetary",
                        "isShared": True, "status": "active",
                        # Kept as text in the stored answer (JSON columns hold no Decimal); see to_tmf.
                        "remainingValue": {"amount": str(quantize(consumption.balance, account.currency)),
                                           "units": account.currency},
                        "partyAccount": {**account_api.account_ref(account), "@type": "PartyAccountRef"},
                        "@type": "BucketRefOrValue"})
    return {"id": str(line.id), "state": "done", "name": f"Consumption of {line.msisdn}",
            "product": [product_ref], "logicalResource": [{"id": line.msisdn, "name": "MSISDN",
                                                           "@referredType": "MSISDN"}],
            "partyAccount": [{**account_api.account_ref(account), "@type": "PartyAccountRef"}],
            "bucketRefOrValue": buckets, "@type": "UsageConsumption"}


def create(body: dict) -> ConsumptionQuery:
    products, msisdns, accounts = _criteria(body)
    lines = service.lines_for(db.session, subscription_ids=products, msisdns=msisdns, account_ids=accounts)
    report = [_line(c) for c in service.consumption_of(db.session, context.clock(), lines)]
    criteria = {k: v for k, v in body.items() if k in ("searchCriteria", "partyAccount", "relatedParty")}
    return service.save_query(db.session, context.clock(), criteria, lines, report)


def to_tmf(query: ConsumptionQuery) -> dict[str, Any]:
    report = copy.deepcopy(query.report)
    for consumption in report:
        for bucket in consumption["bucketRefOrValue"]:
            if bucket["usageType"] == "monetary":  # an exact JSON number, never a float
                bucket["remainingValue"]["amount"] = Decimal(bucket["remainingValue"]["amount"])
    return {"queryUsageConsumptionDate": query.created_at, **query.criteria, "usageConsumption": report,
            "@type": "QueryUsageConsumption"}


def _load(ident: str) -> ConsumptionQuery | None:
    return db.session.get(ConsumptionQuery, int(ident)) if ident.isdigit() and len(ident) < 19 else None


API.add(Resource(
    name="queryUsageConsumption", type_name="QueryUsageConsumption",
    query=lambda: sa.select(ConsumptionQuery).order_by(ConsumptionQuery.id),
    load=_load, to_tmf=to_tmf, create=create, filters={"id": by_id(ConsumptionQuery.id)},
    description="Balances and buckets of lines, answered when posted.",
))
