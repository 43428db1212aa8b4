"""Parallel charges on one balance never lose an update (row locks on PostgreSQL)."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.models import Balance, BalanceTransaction
from billing.rating import debit, rate_usage
from billing.rating.models import RatedUsage
from core.db import db


@pytest.fixture
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every writer anyway")


def test_parallel_realtime_and_batch_debits_add_up_exactly(postgres_only, app, session, clock, events, operator):
    line = operator.line(balance="1000")
    session.commit()
    calls = [operator.usage(line, seconds=60, at=clock.now() + dt.timedelta(seconds=k)) for k in range(160)]
    singles, batches = calls[:80], [calls[80 + 20 * k:100 + 20 * k] for k in range(4)]

    statuses, rated = _side_by_side(app, clock, events, singles, batches)
    assert statuses == ["rated"] * 80 and rated == [20] * 4
    session.expire_all()
    # 160 minutes off-net at 4.30: 688.00 taken from 1000.00, every debit in the log.
    assert session.scalar(sa.select(Balance.amount)) == Decimal("312.00")
    logged = session.scalar(sa.select(sa.func.sum(BalanceTransaction.amount)))
    assert logged == Decimal("312.00")
    assert session.scalar(sa.select(sa.func.count(RatedUsage.id))) == 160


def test_parallel_batches_share_one_bucket_without_losing_units(postgres_only, app, session, clock, events, operator):
    line = operator.line(balance="1000")
    operator.bucket(line, "sms", 100)
    session.commit()
    texts = [operator.usage(line, "sms", messages=1, at=clock.now() + dt.timedelta(seconds=k)) for k in range(150)]

    def many(batch):
        with app.app_context():
            rate_usage(db.session, clock, events, batch)
            db.session.commit()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(many, [texts[k::6] for k in range(6)]))
    session.expire_all()
    rows = list(session.scalars(sa.select(RatedUsage)))
    assert sum(r.bucket_units for r in rows) == 100
    assert sum(r.balance_debited for r in rows) == Decimal("50.00")
    assert session.scalar(sa.select(Balance.amount)) == Decimal("950.00")


def test_parallel_realtime_and_batch_share_a_bucket_and_a_balance(postgres_only, app, session, clock, events,
                                                                  operator):
    """Real-time debits lock the line's buckets and then its balance in one statement, in the
    order batch rating locks them: run side by side they neither lose units nor deadlock."""
    line = operator.line(balance="1000")
    operator.bucket(line, "voice", 50 * 60)  # 50 of the 120 minutes below
    session.commit()
    calls = [operator.usage(line, seconds=60, at=clock.now() + dt.timedelta(seconds=k)) for k in range(120)]
    singles, batches = calls[:60], [calls[60 + 15 * k:75 + 15 * k] for k in range(4)]

    statuses, rated = _side_by_side(app, clock, events, singles, batches)
    assert statuses == ["rated"] * 60 and rated == [15] * 4
    session.expire_all()
    rows = list(session.scalars(sa.select(RatedUsage)))
    assert sum(r.bucket_units for r in rows) == 50 * 60
    # 70 minutes off-net at 4.30 from the balance: 301.00.
    assert sum(r.balance_debited for r in rows) == Decimal("301.00")
    assert session.scalar(sa.select(Balance.amount)) == Decimal("699.00")
    assert session.scalar(sa.select(sa.func.sum(BalanceTransaction.amount))) == Decimal("699.00")


def _side_by_side(app, clock, events, singles, batches) -> tuple[list[str], list[int]]:
    """Real-time debits of ``singles`` and batch ratings of ``batches``, all at once on 8 threads,
    each in its own session; returns the debits' statuses and each batch's rated count."""
    def one(event):
        with app.app_context():
            outcome, _ = debit(db.session, clock, events, event)
            db.session.commit()
            return outcome.status

    def many(batch):
        with app.app_context():
            summary = rate_usage(db.session, clock, events, batch)
            db.session.commit()
            return summary.rated

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = pool.map(one, singles)
        rated = pool.map(many, batches)
        return list(statuses), list(rated)
