"""The real-time path (authorise, then debit) and its agreement with batch rating."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.models import Balance, Bucket, Charge
from billing.rating import authorize, debit, rate_usage
from billing.rating.models import RatedUsage
from tests.rating.generated import make_usage, make_world

COMPARED = ("usage_id", "subscription_id", "zone", "band", "tariff_version_id", "rate_id", "quantity",
            "billed_units", "bucket_units", "amount", "balance_debited", "postpaid_charged", "shortfall", "flag",
            "buckets")


def _state(session):
    rated = [tuple(getattr(r, f) for f in COMPARED)
             for r in session.scalars(sa.select(RatedUsage).order_by(RatedUsage.usage_id))]
    balances = dict(session.execute(sa.select(Balance.billing_account_id, Balance.amount)).tuples().all())
    buckets = dict(session.execute(sa.select(Bucket.id, Bucket.remaining)).tuples().all())
    charged = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Charge.amount), 0)))
    return rated, balances, buckets, Decimal(charged)


@pytest.mark.smoke
def test_authorize_grants_what_balance_and_buckets_cover(session, clock, operator):
    line = operator.line(balance="10")  # 10 KES at 4.30/min off-net, per second: 139 s cost 9.96
    assert authorize(session, clock, msisdn=line.msisdn, service="voice", requested=60,
                     other_party="+254733000111").granted == 60
    partial = authorize(session, clock, msisdn=line.msisdn, service="voice", requested=600,
                        other_party="+254733000111")
    assert (partial.granted, partial.reason, partial.zone, partial.band) == (139, "insufficient_balance", "offnet",
                                                                             "peak")
    operator.bucket(line, "voice", 100, scope="national")
    assert authorize(session, clock, msisdn=line.msisdn, service="voice", requested=600,
                     other_party="+254733000111").granted == 239
    assert authorize(session, clock, msisdn="+254700999999", service="voice", requested=60).reason == \
        "unknown_subscriber"


def test_debit_charges_one_record_and_refuses_it_twice(session, clock, events, operator):
    line = operator.line(balance="10")
    call = operator.usage(line, seconds=61)
    outcome, rated = debit(session, clock, events, call)
    assert outcome.status == "rated" and rated.amount == Decimal("4.37")
    assert session.scalar(sa.select(Balance.amount)) == Decimal("5.63")
    assert debit(session, clock, events, call)[0].status == "duplicate"
    bad = operator.usage(line, seconds=10, to="+999")
    assert debit(session, clock, events, bad)[0].reason == "unknown_destination"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_and_realtime_give_identical_results(session, clock, events, operator, seed):
    lines = make_world(operator)
    session.commit()
    usage = make_usage(random.Random(seed), lines, clock.now(), 250)
    summary = rate_usage(session, clock, events, usage)
    batch = _state(session)
    session.rollback()
    ordered = sorted(usage, key=lambda e: (e.started_at, e.usage_id))
    outcomes = {e.usage_id: debit(session, clock, events, e)[0] for e in ordered}
    realtime = _state(session)
    assert summary.rated > 150 and summary.error_count > 0
    assert {k: (o.status, o.reason) for k, o in outcomes.items()} == \
        {k: (o.status, o.reason) for k, o in summary.outcomes.items()}
    assert batch[0] == realtime[0]
    assert batch[1:] == realtime[1:]


def test_calls_in_turn_are_each_authorised_then_debited(session, clock, events, operator):
    """The call-setup loop ``bench/rating_realtime.py`` times (its p50/p99 are the speed figures)."""
    line = operator.line(balance="1000")
    for second in range(40):
        call = operator.usage(line, seconds=30, at=clock.now() + dt.timedelta(seconds=second))
        grant = authorize(session, clock, msisdn=line.msisdn, service="voice", requested=60,
                          other_party=call.other_party)
        outcome, rated = debit(session, clock, events, call)
        assert (grant.granted, grant.reason, outcome.status, rated.amount) == (60, None, "rated", Decimal("2.15"))
    assert session.scalar(sa.select(Balance.amount)) == Decimal("914.00")  # 40 half-minutes at 4.30 a minute
    assert session.scalar(sa.select(sa.func.count(RatedUsage.id))) == 40


def test_realtime_run_survives_a_rollback(session, clock, events, operator):
    line = operator.line(balance="100")
    session.commit()
    debit(session, clock, events, operator.usage(line, seconds=10))
    session.rollback()  # the run made in that transaction is gone; the next debit makes another
    outcome, rated = debit(session, clock, events, operator.usage(line, seconds=10))
    session.commit()
    assert outcome.status == "rated" and rated.run_id is not None
