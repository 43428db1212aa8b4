"""Property tests (hypothesis) on batch rating: conservation and determinism."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import Balance, Bucket, Charge
from billing.rating import rate_usage
from billing.rating.models import RatedUsage
from catalog.tariffs.compiled import compile_version
from catalog.tariffs.models import TariffVersion
from tests.rating.generated import make_usage, make_world

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _totals(session):
    balances = dict(session.execute(sa.select(Balance.billing_account_id, Balance.amount)).tuples().all())
    buckets = dict(session.execute(sa.select(Bucket.id, Bucket.remaining)).tuples().all())
    charges = Decimal(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Charge.amount), 0))))
    return balances, buckets, charges


def test_conservation_and_determinism(session, clock, events, operator):
    lines = make_world(operator)
    session.commit()
    start_balances, start_buckets, start_charges = _totals(session)

    @FAST
    @given(seed=st.integers(0, 2**32), count=st.integers(1, 120))
    def check(seed, count):
        usage = make_usage(random.Random(seed), lines, clock.now(), count)
        try:
            rate_usage(session, clock, events, usage)
            rated = [SimpleNamespace(**{c.key: getattr(r, c.key) for c in sa.inspect(RatedUsage).column_attrs})
                     for r in session.scalars(sa.select(RatedUsage).order_by(RatedUsage.usage_id))]
            balances, buckets, charges = _totals(session)
            first = [(r.usage_id, r.amount, r.bucket_units, r.buckets, r.balance_debited, r.shortfall) for r in rated]
        finally:
            session.rollback()
        for record in rated:
            tariff = compile_version(session, session.get(TariffVersion, record.tariff_version_id))
            # The money is the tariff's price of exactly the units buckets did not cover...
            if record.rate_id is not None:
                rate = next(i for i, r in enumerate(tariff.rates) if r.id == record.rate_id)
                assert record.amount == tariff.price(rate, record.billed_units - record.bucket_units)
            # ...and all of it is accounted for: balance, postpaid charge, or flagged shortfall.
            assert record.amount == record.balance_debited + record.postpaid_charged + record.shortfall
            assert record.bucket_units == sum(units for _, units in record.buckets) <= record.billed_units
            assert (record.shortfall > 0) == (record.flag == "insufficient_balance")
        drawn = {}
        for record in rated:
            for bucket_id, units in record.buckets:
                drawn[bucket_id] = drawn.get(bucket_id, 0) + units
        assert {b: start_buckets[b] - buckets[b] for b in buckets if start_buckets[b] != buckets[b]} == drawn
        debited = {}
        for record in rated:
            if record.balance_debited:
                debited[record.billing_account_id] = debited.get(record.billing_account_id, 0) + record.balance_debited
        assert {a: start_balances[a] - balances[a] for a in balances if start_balances[a] != balances[a]} == debited
        assert charges - start_charges == sum(r.postpaid_charged for r in rated)
        # Determinism: the same usage in another order rates to the same records.
        shuffled = list(usage)
        random.Random(seed + 1).shuffle(shuffled)
        try:
            rate_usage(session, clock, events, shuffled)
            again = [(r.usage_id, r.amount, r.bucket_units, r.buckets, r.balance_debited, r.shortfall)
                     for r in session.scalars(sa.select(RatedUsage).order_by(RatedUsage.usage_id))]
        finally:
            session.rollback()
        assert again == first

    check()


def test_generated_usage_spans_bands_and_zones(session, clock, events, operator):
    """The generator reaches what the properties are about (else they prove little)."""
    lines = make_world(operator)
    rate_usage(session, clock, events, make_usage(random.Random(7), lines, clock.now() - dt.timedelta(hours=1), 400))
    rated = list(session.scalars(sa.select(RatedUsage)))
    assert {r.band for r in rated} >= {"peak", "offpeak", "weekend"}
    assert {r.zone for r in rated} >= {"onnet", "offnet", "intl-ea", "home", "roam-ea", "incoming"}
    assert any(r.bucket_units for r in rated) and any(r.shortfall for r in rated)
    assert any(r.postpaid_charged for r in rated)
