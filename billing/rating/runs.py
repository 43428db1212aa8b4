"""Rating runs and their outcome: what a caller (mediation, the CLI, a test) gets back."""
from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.rating.models import RatedUsage, RatingRun
from core.clock import Clock

RATED, ERROR, DUPLICATE = "rated", "rating_error", "duplicate"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one usage record: ``rated``, ``rating_error`` (with a reason code) or
    ``duplicate`` (already rated; charged once). Mediation sets its record's state from it."""

    status: str
    reason: str | None = None


@dataclass
class RatingSummary:
    run_id: int
    records: int = 0
    rated: int = 0
    duplicates: int = 0
    errors: Counter = field(default_factory=Counter)  # reason -> count
    amounts: dict[str, Decimal] = field(default_factory=dict)  # currency -> money charged
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # usage_id -> outcome

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def usage_ids(self, status: str) -> list[int]:
        return [uid for uid, outcome in self.outcomes.items() if outcome.status == status]


def start_run(session: Session, clock: Clock, kind: str, source: str, params: dict[str, Any] | None = None
              ) -> RatingRun:
    run = RatingRun(kind=kind, source=source, params=params or {}, started_at=clock.now())
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, clock: Clock, run: RatingRun, summary: RatingSummary) -> None:
    run.records += summary.records
    run.rated += summary.rated
    run.errors += summary.error_count
    run.duplicates += summary.duplicates
    run.finished_at = clock.now()
    session.flush()


def rated_usage_ids(session: Session, usage_ids: list[int]) -> set[int]:
    """Which of these usage records are rated already (live, not reversed)."""
    found: set[int] = set()
    ids = sorted(set(usage_ids))
    if len(ids) > 1 and ids[-1] - ids[0] < 2 * len(ids):
        # A batch's ids are nearly consecutive: one range scan of the index beats ten statements
        # of 5,000 parameters each (their parsing alone cost more than the scan), and fetches at
        # most twice as many ids as were asked about.
        wanted = set(ids)
        return {uid for uid in session.scalars(_rated_range_statement(), {"first": ids[0], "last": ids[-1]})
                if uid in wanted}
    for start in range(0, len(ids), 5000):
        found.update(session.scalars(rated_ids_statement(), {"ids": ids[start:start + 5000]}))
    return found


@functools.cache
def _rated_range_statement() -> sa.Select:
    return sa.select(RatedUsage.usage_id).where(
        RatedUsage.usage_id.between(sa.bindparam("first"), sa.bindparam("last")), RatedUsage.status == "rated")


@functools.cache
def rated_ids_statement() -> sa.Select:
    """Which of the ``ids`` parameter's usage ids are rated (live). Built once, as an
    expanding IN: the real-time path asks this for every record."""
    return sa.select(RatedUsage.usage_id).where(RatedUsage.usage_id.in_(sa.bindparam("ids", expanding=True)),
                                               RatedUsage.status == "rated")


def rated_records_for(session: Session, usage_ids: list[int]) -> dict[int, RatedUsage]:
    """The live rated record of each usage record that has one (for TMF635 usage)."""
    found: dict[int, RatedUsage] = {}
    ids = sorted(set(usage_ids))
    for start in range(0, len(ids), 5000):
        for rated in session.scalars(sa.select(RatedUsage).where(
                RatedUsage.usage_id.in_(ids[start:start + 5000]), RatedUsage.status == "rated")):
            found[rated.usage_id] = rated
    return found
