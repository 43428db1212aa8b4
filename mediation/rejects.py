"""Rejected records: list them, correct their raw text, discard them, or recycle them through
the whole pipeline again. A recycled record keeps its lineage (file and offset) and moves the
file's count from ``rejected`` to wherever it lands, so the file still balances."""
from __future__ import annotations

import dataclasses
import io
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from core.events import EventBus
from mediation import decoders
from mediation.decoders.base import DecodedRecord, DecodeFailure, UnreadableFile
from mediation.models import MediationFile, MediationSource, RejectedRecord
from mediation.pipeline import Pipeline, Sink

OUTCOMES = ("distributed", "rejected", "filtered", "duplicates", "held")


def list_rejects(session: Session, *, state: str | None = "open", reason_code: str | None = None,
                 file_id: int | None = None, limit: int = 100) -> list[RejectedRecord]:
    stmt = sa.select(RejectedRecord).order_by(RejectedRecord.id).limit(limit)
    if state:
        stmt = stmt.where(RejectedRecord.state == state)
    if reason_code:
        stmt = stmt.where(RejectedRecord.reason_code == reason_code)
    if file_id is not None:
        stmt = stmt.where(RejectedRecord.file_id == file_id)
    return list(session.scalars(stmt))


def _open_reject(session: Session, reject_id: int) -> RejectedRecord:
    reject = session.get(RejectedRecord, reject_id)
    if reject is None:
        raise NotFound(f"no rejected record {reject_id}")
    if reject.state != "open":
        raise Conflict(f"rejected record {reject_id} is already {reject.state}")
    return reject


def correct(session: Session, clock: Clock, reject_id: int, raw: str) -> RejectedRecord:
    """Replace a rejected record's raw text (the first correction keeps the original)."""
    if not raw or not raw.strip():
        raise ValidationError("the corrected record is empty", field="raw")
    reject = _open_reject(session, reject_id)
    if reject.original_raw is None:
        reject.original_raw = reject.raw
    reject.raw = raw.strip("\r\n")
    reject.updated_at = clock.now()
    session.flush()
    return reject


def discard(session: Session, clock: Clock, reject_id: int) -> RejectedRecord:
    """Give up on a record; it stays counted as rejected."""
    reject = _open_reject(session, reject_id)
    reject.state, reject.updated_at = "discarded", clock.now()
    session.flush()
    return reject


def _decode_one(fmt: str, raw: str, options: dict) -> DecodedRecord | DecodeFailure:
    decoder = decoders.get(fmt)
    one = getattr(decoder, "decode_raw", None)  # binary formats decode a record without its file
    try:
        if one is not None:
            return one(raw, options)
        items = list(decoder.decode(io.BytesIO(raw.encode("utf-8")), options))
    except UnreadableFile as error:
        return DecodeFailure(0, "unreadable", str(error), raw)
    if len(items) != 1:
        return DecodeFailure(0, "bad_record", f"{len(items)} records in the corrected text; expected 1", raw)
    return items[0]


def recycle(session: Session, clock: Clock, events: EventBus, reject_ids: list[int], *, region: str,
            operator_tz: str = "UTC", sink: Sink | None = None) -> Counter:
    """Send open rejected records through the pipeline again; returns outcome counts. A record
    that fails again gets a new reject entry (with the new reason) and the old one is closed."""
    totals: Counter = Counter()
    for reject_id in reject_ids:
        reject = _open_reject(session, reject_id)
        file = session.get(MediationFile, reject.file_id)
        source = session.scalar(sa.select(MediationSource).where(MediationSource.name == file.source))
        # The source's current options (they may have been fixed since), else those the file was read with.
        options = dict(source.options or {}) if source else dict(file.options or {})
        item = _decode_one(file.format, reject.raw, options)
        item = dataclasses.replace(item, offset=reject.record_offset)
        pipeline = Pipeline(session, clock, events, options, region, operator_tz, sink)
        outcome = pipeline.batch(file, [item], recycled=True)
        landed = next(name for name in OUTCOMES if outcome[name])
        reject.state, reject.outcome, reject.updated_at = "recycled", landed, clock.now()
        session.flush()
        totals[landed] += 1
        events.publish("mediation.reject_recycled", reject_id=reject.id, file_id=file.id, outcome=landed)
    return totals
