"""Property tests (hypothesis): the real-time debit, record by record, leaves what batch
rating leaves for the same usage.

The real-time path reads with one joined statement and writes with Core statements (on
PostgreSQL all of a debit in one data-modifying ``WITH``: ``postings.write``); batch rating is
its slow twin through the general lookups, the ORM balance log and ``add_charge``. Hypothesis
makes the world (prepaid and postpaid lines, balances, buckets of every scope) and the usage
(services, durations, messages, bytes, destinations of every zone, roaming, incoming, moments
across bands and bucket expiries); each example is rated both ways from the same start and the
results compared: outcomes, rated records, balances, buckets, postpaid money, rating errors and
the customer notices (low balance, bucket thresholds).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from billing.models import Balance, Bucket, Charge
from billing.rating import debit, rate_usage
from billing.rating.models import RatedUsage, RatingError
from billing.usage import UsageEvent
from tests.rating.generated import DESTINATIONS, NETWORKS

EXAMPLES = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
UNKNOWN_NUMBER = "+254700000001"  # no line has it
SCOPES = (None, "national", "onnet", "international", "roaming")
BUCKET_UNITS = {"voice": (1, 900), "sms": (1, 10), "data": (1, 4 * 1024 * 1024)}
# Compared as they are; ids of lines and buckets are compared by their place in the world.
SAME = ("usage_id", "service", "direction", "started_at", "other_party", "roaming", "visited_network", "quantity",
        "billed_units", "bucket_units", "tariff_version_id", "rate_id", "zone", "band", "currency", "amount",
        "balance_debited", "postpaid_charged", "shortfall", "flag", "status", "created_at")

buckets = st.lists(st.tuples(st.sampled_from(("voice", "voice", "sms", "data")), st.integers(0, 10_000),
                             st.sampled_from(SCOPES), st.integers(1, 5)), max_size=3)
lines = st.lists(st.tuples(st.sampled_from(("prepaid", "prepaid", "postpaid")),
                           st.integers(0, 6000).map(lambda cents: Decimal(cents).scaleb(-2)), buckets),
                 min_size=1, max_size=4)


@st.composite
def usage_for(draw, line_count: int) -> list[tuple]:
    """Records as (line index or None for an unknown number, service, direction, seconds after
    the start, other party, quantity, roaming, visited network)."""
    records = []
    for _ in range(draw(st.integers(1, 30))):
        service = draw(st.sampled_from(("voice", "voice", "sms", "data")))
        roaming = draw(st.booleans()) and draw(st.booleans())
        quantity = draw({"voice": st.integers(0, 1200), "sms": st.integers(1, 3),
                         "data": st.integers(0, 3 * 1024 * 1024)}[service])
        line = None if draw(st.integers(0, 19)) == 0 else draw(st.integers(0, line_count - 1))
        records.append((
            line, service, "in" if draw(st.integers(0, 9)) == 0 else "out",
            draw(st.integers(-3600, 6 * 86400)),
            None if service == "data" else draw(st.sampled_from(DESTINATIONS)), quantity, roaming,
            draw(st.sampled_from(NETWORKS)) if roaming else None))
    return records


def _build(operator, spec) -> tuple[list, dict[int, int], dict[int, tuple[int, int]]]:
    """The world of ``spec``; returns its lines and where each account and bucket sits in it."""
    made, accounts, places = [], {}, {}
    for index, (payment_type, balance, grants) in enumerate(spec):
        line = operator.line(payment_type, balance=str(balance) if payment_type == "prepaid" else "0",
                             msisdn=f"+2547225{index:05d}")
        accounts[line.billing_account_id] = index
        for place, (service, share, scope, days) in enumerate(grants):
            low, high = BUCKET_UNITS[service]
            bucket = operator.bucket(line, service, low + (high - low) * share // 10_000, scope=scope, days=days)
            places[bucket.id] = (index, place)
        made.append(line)
    operator.session.flush()
    return made, accounts, places


def _usage(records, made, start: dt.datetime) -> list[UsageEvent]:
    return [UsageEvent(usage_id=number, msisdn=made[line].msisdn if line is not None else UNKNOWN_NUMBER,
                       service=service, direction=direction, started_at=start + dt.timedelta(seconds=offset),
                       other_party=other, duration_s=quantity if service == "voice" else 0,
                       messages=quantity if service == "sms" else 0, volume_down=quantity if service == "data" else 0,
                       roaming=roaming, visited_network=network)
            for number, (line, service, direction, offset, other, quantity, roaming, network)
            in enumerate(records, start=1)]


def _result(session, events, accounts, places, outcomes) -> dict:
    """What a rating left, with accounts and buckets named by their place in the world."""
    session.flush()
    line_of = {}
    rated = []
    for record in session.scalars(sa.select(RatedUsage).order_by(RatedUsage.usage_id)):
        line_of[record.subscription_id] = accounts[record.billing_account_id]
        rated.append((accounts[record.billing_account_id], [places[b] for b, _ in record.buckets],
                      [units for _, units in record.buckets], record.charge_id is not None,
                      *(getattr(record, name) for name in SAME)))
    postpaid = defaultdict(Decimal)
    for account_id, amount in session.execute(sa.select(Charge.billing_account_id, Charge.amount)):
        postpaid[accounts[account_id]] += amount
    return {
        "outcomes": {usage_id: (o.status, o.reason) for usage_id, o in outcomes.items()},
        "rated": rated,
        "balances": {accounts[a]: amount for a, amount in
                     session.execute(sa.select(Balance.billing_account_id, Balance.amount))},
        "buckets": {places[b]: remaining for b, remaining in session.execute(sa.select(Bucket.id, Bucket.remaining))},
        "postpaid": dict(postpaid),
        "errors": sorted((e.usage_id, e.reason, e.message, e.status) for e in session.scalars(sa.select(RatingError))),
        "low": sorted((accounts[e.payload["account_id"]], e.payload["threshold"])
                      for e in events.named("balance.low")),
        "thresholds": sorted((places[e.payload["bucket_id"]], e.payload["threshold"])
                             for e in events.named("bucket.threshold_crossed")),
    }


def _label(result: dict) -> None:
    """What an example reached: ``--hypothesis-show-statistics`` counts them, so a generator
    that stops reaching shortfalls or bucket thresholds shows."""
    zones = {row[4 + SAME.index("zone")] for row in result["rated"]}
    for name, reached in (("bucket units", any(row[2] for row in result["rated"])),
                          ("shortfall", any(row[4 + SAME.index("shortfall")] for row in result["rated"])),
                          ("postpaid charge", bool(result["postpaid"])), ("rating error", bool(result["errors"])),
                          ("low balance", bool(result["low"])), ("bucket threshold", bool(result["thresholds"])),
                          ("incoming", "incoming" in zones), ("roaming", any(z.startswith("roam") for z in zones))):
        if reached:
            event(name)


@EXAMPLES
@given(data=st.data(), spec=lines, overdraft=st.sampled_from((Decimal(0), Decimal(3))),
       threshold=st.sampled_from((Decimal(0), Decimal(10), Decimal(20), Decimal(45))))
def test_real_time_debits_leave_what_batch_rating_leaves(session, clock, events, operator, data, spec, overdraft,
                                                         threshold):
    session.commit()  # the operator's tariff and plan stay; each example's world is rolled back
    records = data.draw(usage_for(len(spec)))
    low_balance = {"KES": threshold}
    results = []
    for path in ("batch", "realtime"):
        events.events.clear()
        try:
            made, accounts, places = _build(operator, spec)
            usage = _usage(records, made, clock.now())
            if path == "batch":
                outcomes = rate_usage(session, clock, events, usage, overdraft_limit=overdraft,
                                      low_balance=low_balance).outcomes
            else:
                outcomes = {event.usage_id: debit(session, clock, events, event, overdraft_limit=overdraft,
                                                  low_balance=low_balance)[0]
                            for event in sorted(usage, key=lambda e: (e.started_at, e.usage_id))}
            results.append(_result(session, events, accounts, places, outcomes))
        finally:
            session.rollback()
    batch, realtime = results
    for part in batch:
        assert realtime[part] == batch[part], part
    _label(batch)
