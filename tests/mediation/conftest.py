"""Helpers for the mediation tests: run a real file through the pipeline as the CLI does."""
from __future__ import annotations

import pathlib

import pytest
import sqlalchemy as sa

from mediation import columnar
from mediation.models import DedupKey, MediationFile, PartialRecord, RejectedRecord, UsageRecord
from mediation.service import process_path
from mediation.sources import SourceConfig

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
ASTERISK_OPTIONS = {"timezone": "Africa/Nairobi", "test_numbers": ["+254700000001"]}


@pytest.fixture
def run_file(session, clock, events):
    """Process one file in place (as ``flask mediation run --format F PATH`` does)."""

    def run(fmt: str, path, options: dict | None = None, *, sink=None, batch_size=None, name: str = "cli"):
        source = SourceConfig(name, fmt, options=options or {})
        return process_path(session, clock, events, source, str(path), region="KE", operator_tz="Africa/Nairobi",
                            sink=sink, commit=session.commit, in_place=True, batch_size=batch_size)

    return run


def usage_rows(session, **where) -> list[UsageRecord]:
    stmt = sa.select(UsageRecord).order_by(UsageRecord.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(UsageRecord, name) == value)
    return list(session.scalars(stmt))


def reject_rows(session) -> list[RejectedRecord]:
    return list(session.scalars(sa.select(RejectedRecord).order_by(RejectedRecord.id)))


def file_row(session, file_id: int) -> MediationFile:
    session.expire_all()
    return session.get(MediationFile, file_id)


def counters(report: dict) -> dict:
    return {k: report[k] for k in ("received", "distributed", "rejected", "filtered", "duplicates", "held",
                                   "records_out")}


def outcome(session) -> dict:
    """Everything a file's run left in the database, in a form two runs can be compared by."""
    session.expire_all()
    usage = session.execute(sa.select(
        UsageRecord.record_offset, UsageRecord.msisdn, UsageRecord.service, UsageRecord.direction,
        UsageRecord.other_party, UsageRecord.started_at, UsageRecord.duration_s, UsageRecord.messages,
        UsageRecord.volume_up, UsageRecord.volume_down, UsageRecord.roaming, UsageRecord.visited_network,
        UsageRecord.location, UsageRecord.record_type, UsageRecord.parts, UsageRecord.split, UsageRecord.state,
    ).order_by(UsageRecord.record_offset, UsageRecord.started_at)).all()
    rejects = session.execute(sa.select(RejectedRecord.record_offset, RejectedRecord.reason_code,
                                        RejectedRecord.reason, RejectedRecord.raw)
                              .order_by(RejectedRecord.record_offset)).all()
    held = session.execute(sa.select(PartialRecord.session_key, PartialRecord.record_offset)
                           .order_by(PartialRecord.record_offset)).all()
    file = session.scalars(sa.select(MediationFile)).one()
    return {"usage": [tuple(r) for r in usage], "rejects": [tuple(r) for r in rejects],
            "held": [tuple(r) for r in held],
            "filtered_by": dict(file.filtered_by or {}), "checkpoint": file.checkpoint}


def forget_everything(session) -> None:
    """Delete every mediation row (committed), so the same file can run again from scratch."""
    for model in (UsageRecord, RejectedRecord, PartialRecord, DedupKey, MediationFile):
        session.execute(sa.delete(model))
    session.commit()


def both_ways(run_file, session, path, options, batch_size=None, fmt="generic-csv") -> tuple[dict, dict]:
    """Run ``path`` through the column path, then (from scratch) through the per-record path;
    check their counters agree and return both outcomes."""
    assert columnar.read_lines(str(path), fmt, options) is not None  # the file does take the column path
    fast = run_file(fmt, path, options, batch_size=batch_size)
    fast_rows = outcome(session)
    forget_everything(session)
    slow = run_file(fmt, path, {**options, "columnar": False}, batch_size=batch_size)
    slow_rows = outcome(session)
    assert fast["balanced"] and slow["balanced"]
    assert counters(fast) == counters(slow)
    assert fast["filtered_by"] == slow["filtered_by"]
    return fast_rows, slow_rows
