"""Distribute: the downstream export file (CSV) a source may ask for, one per input file."""
from __future__ import annotations

import csv
import os

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import isoformat_z
from mediation.models import MediationFile, UsageRecord

EXPORT_COLUMNS = ("usage_id", "msisdn", "service", "direction", "other_party", "start", "duration_s",
                  "messages", "volume_up", "volume_down", "roaming", "visited_network", "location",
                  "record_type", "parts", "split", "source_file", "record_offset")


def export_csv(session: Session, file: MediationFile, directory: str) -> str:
    """Write the usage records produced from ``file`` to ``<directory>/<name>.usage.csv``
    (written aside, then renamed, so a reader never sees half a file)."""
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(directory, f"{file.name}.usage.csv")
    draft = target + ".part"
    rows = session.execute(sa.select(UsageRecord).where(UsageRecord.file_id == file.id)
                           .order_by(UsageRecord.id).execution_options(yield_per=5000)).scalars()
    with open(draft, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for r in rows:
            writer.writerow((r.id, r.msisdn, r.service, r.direction, r.other_party or "", isoformat_z(r.started_at),
                             r.duration_s, r.messages, r.volume_up, r.volume_down, int(r.roaming),
                             r.visited_network or "", r.location or "", r.record_type, r.parts, r.split or "",
                             file.name, r.record_offset))
    os.replace(draft, target)
    return target


def set_states(session: Session, states: dict[int, str]) -> None:
    """Record what rating made of each usage record (``rated``, ``rating_error``)."""
    by_state: dict[str, list[int]] = {}
    for usage_id, state in states.items():
        by_state.setdefault(state, []).append(usage_id)
    for state, ids in by_state.items():
        for start in range(0, len(ids), 1000):
            session.execute(sa.update(UsageRecord).where(UsageRecord.id.in_(ids[start:start + 1000]))
                            .values(state=state).execution_options(synchronize_session=False))
