"""Helpers for the mediation tests: run a real file through the pipeline as the CLI does."""
from __future__ import annotations

import pathlib

import pytest
import sqlalchemy as sa

from mediation.models import MediationFile, RejectedRecord, UsageRecord
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
