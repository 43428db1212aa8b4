"""Aggregation of partial records: the parts of one long call or data session are held until
the closing part arrives, then merged in sequence order into one usage record; a session whose
closing part never comes is flushed after a timeout.

Every held part is counted ``held`` in its own file; when its session is merged the count moves
to ``distributed`` in that file, so each file keeps balancing whichever file closed the session.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mediation.models import MediationFile, PartialRecord
from mediation.records import Usage, from_json, merge, to_json

_CHUNK = 400


@dataclass
class Aggregated:
    merged: list[tuple[int, Usage]] = field(default_factory=list)  # (lineage file id, record)
    held: int = 0  # parts of this batch now held
    direct: int = 0  # parts of this batch distributed inside a merged record
    released: Counter = field(default_factory=Counter)  # file id -> earlier held parts now distributed


def aggregate(session: Session, now: dt.datetime, file_id: int,
              parts: list[tuple[str, int, bool, Usage]]) -> Aggregated:
    """Hold or merge this batch's partial records, given as (session key, sequence, final, usage)."""
    result = Aggregated()
    if not parts:
        return result
    by_key: dict[str, list[tuple[int, bool, Usage]]] = defaultdict(list)
    for key, sequence, final, usage in parts:
        by_key[key].append((sequence, final, usage))
    stored: dict[str, list[PartialRecord]] = defaultdict(list)
    keys = list(by_key)
    for start in range(0, len(keys), _CHUNK):
        rows = session.scalars(sa.select(PartialRecord).where(
            PartialRecord.session_key.in_(keys[start:start + _CHUNK])).with_for_update())
        for row in rows:
            stored[row.session_key].append(row)
    for key, new in by_key.items():
        if not any(final for _, final, _ in new):
            for sequence, _final, usage in new:
                session.add(PartialRecord(session_key=key, file_id=file_id, record_offset=usage.offset,
                                          sequence=sequence, record=to_json(usage), received_at=now))
            result.held += len(new)
            continue
        old = stored.get(key, [])
        ordered = sorted([(row.sequence, row.file_id, from_json(row.record)) for row in old]
                         + [(sequence, file_id, usage) for sequence, _final, usage in new],
                         key=lambda part: part[0])
        result.merged.append((ordered[0][1], merge([usage for _, _, usage in ordered])))
        result.direct += len(new)
        for row in old:
            result.released[row.file_id] += 1
            session.delete(row)
    session.flush()
    return result


def release(session: Session, released: Counter) -> None:
    """Move merged parts from ``held`` to ``distributed`` in the files they came from."""
    for file_id, count in released.items():
        session.execute(sa.update(MediationFile).where(MediationFile.id == file_id).values(
            held=MediationFile.held - count, distributed=MediationFile.distributed + count))


def expired(session: Session, now: dt.datetime, timeout: dt.timedelta) -> list[tuple[int, Usage, Counter]]:
    """Sessions whose last part is older than ``timeout``, merged as they are and removed from
    the held store: (lineage file id, merged record, parts per file)."""
    stale = session.scalars(
        sa.select(PartialRecord.session_key).group_by(PartialRecord.session_key)
        .having(sa.func.max(PartialRecord.received_at) < now - timeout)).all()
    out = []
    for start in range(0, len(stale), _CHUNK):
        rows = session.scalars(sa.select(PartialRecord).where(
            PartialRecord.session_key.in_(stale[start:start + _CHUNK]))
            .order_by(PartialRecord.session_key, PartialRecord.sequence).with_for_update()).all()
        groups: dict[str, list[PartialRecord]] = defaultdict(list)
        for row in rows:
            groups[row.session_key].append(row)
        for group in groups.values():
            counts = Counter(row.file_id for row in group)
            out.append((group[0].file_id, merge([from_json(row.record) for row in group]), counts))
            for row in group:
                session.delete(row)
    session.flush()
    return out
