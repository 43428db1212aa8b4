"""Batch rating through ``billing.rating.rate_usage``, as mediation calls it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.models import Balance, Bucket, Charge
from billing.rating import rate_usage
from billing.rating.models import RatedUsage, RatingError, RatingRun
from billing.usage import UsageEvent
from catalog.offerings import create_offering


def _balance(session, line) -> Decimal:
    return session.scalar(sa.select(Balance.amount).where(Balance.billing_account_id == line.billing_account_id))


@pytest.mark.smoke
def test_prepaid_call_is_priced_by_zone_band_and_increments(session, clock, events, operator):
    line = operator.line(balance="100")
    # Monday 12:30 in Nairobi: peak. Off-net 4.30/min per second: 61 s = 4.371666.. -> 4.37.
    call = operator.usage(line, seconds=61, to="+254733000111")
    summary = rate_usage(session, clock, events, [call])
    assert summary.rated == 1 and summary.error_count == 0
    assert summary.outcomes[call.usage_id].status == "rated"
    rated = session.scalar(sa.select(RatedUsage))
    assert (rated.zone, rated.band, rated.billed_units) == ("offnet", "peak", 61)
    assert rated.amount == Decimal("4.37") and rated.balance_debited == Decimal("4.37")
    assert rated.usage_id == call.usage_id and rated.tariff_version_id is not None and rated.rate_id is not None
    assert _balance(session, line) == Decimal("95.63")
    assert [e.payload["reference"] for e in events.named("balance.debited")] == [f"rating-run:{summary.run_id}"]


def test_international_minimum_and_premium_connect_fee(session, clock, events, operator):
    line = operator.line(balance="500")
    short_ea = operator.usage(line, seconds=5, to="+256772123456")  # 30/6, 10/min: 30 s = 5.00 >= min 3
    tiny_ea = operator.usage(line, seconds=1, to="+255712123456")
    premium = operator.usage(line, seconds=61, to="+254900123456")  # 60/60: 120 s at 50/min + 5 = 105
    world = operator.usage(line, seconds=59, to="+14155550100")  # 60/60 at 25 + 2 connect = 27
    rate_usage(session, clock, events, [short_ea, tiny_ea, premium, world])
    got = {r.usage_id: (r.zone, r.billed_units, r.amount) for r in session.scalars(sa.select(RatedUsage))}
    assert got[short_ea.usage_id] == ("intl-ea", 30, Decimal("5.00"))
    assert got[tiny_ea.usage_id] == ("intl-ea", 30, Decimal("5.00"))
    assert got[premium.usage_id] == ("premium", 120, Decimal("105.00"))
    assert got[world.usage_id] == ("intl-world", 60, Decimal("27.00"))


def test_offpeak_weekend_and_holiday_bands(session, clock, events, operator):
    line = operator.line(balance="100")
    night = dt.datetime(2026, 3, 2, 20, 0, tzinfo=dt.UTC)  # 23:00 in Nairobi
    saturday = dt.datetime(2026, 3, 7, 9, 0, tzinfo=dt.UTC)
    labour_day = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)  # a Friday, public holiday
    records = [operator.usage(line, seconds=60, at=at) for at in (night, saturday, labour_day)]
    rate_usage(session, clock, events, records)
    bands = [r.band for r in session.scalars(sa.select(RatedUsage).order_by(RatedUsage.started_at))]
    assert bands == ["offpeak", "weekend", "holiday"]
    # Off-peak is 80% of 4.30.
    assert {r.amount for r in session.scalars(sa.select(RatedUsage))} == {Decimal("3.44")}


def test_sms_and_data_rounding_step(session, clock, events, operator):
    line = operator.line(balance="100")
    sms = operator.usage(line, "sms", messages=2, to="+254722999888")
    data = operator.usage(line, "data", to=None, volume=10241)  # two 10 KB steps of 2.50/MB
    rate_usage(session, clock, events, [sms, data])
    got = {r.service: r for r in session.scalars(sa.select(RatedUsage))}
    assert (got["sms"].zone, got["sms"].amount) == ("onnet", Decimal("2.00"))
    assert got["data"].zone == "home" and got["data"].billed_units == 20480
    assert got["data"].amount == Decimal("0.05")  # 20480/1048576 * 2.50 = 0.0488.. -> 0.05


def test_buckets_first_most_specific_then_balance(session, clock, events, operator):
    line = operator.line(balance="100")
    anywhere = operator.bucket(line, "voice", 120, days=10)
    national = operator.bucket(line, "voice", 60, scope="national", days=20)
    call = operator.usage(line, seconds=200)  # 60 from national, 120 from anywhere, 20 s paid
    rate_usage(session, clock, events, [call])
    rated = session.scalar(sa.select(RatedUsage))
    assert rated.buckets == [[national.id, 60], [anywhere.id, 120]]
    assert rated.bucket_units == 180 and rated.amount == Decimal("1.43")  # 20 s of 4.30/min
    session.expire_all()
    assert session.get(Bucket, national.id).remaining == 0 and session.get(Bucket, anywhere.id).remaining == 0
    assert _balance(session, line) == Decimal("98.57")
    crossed = [(e.payload["bucket_id"], e.payload["threshold"]) for e in events.named("bucket.threshold_crossed")]
    assert sorted(crossed) == sorted([(national.id, 80), (national.id, 100), (anywhere.id, 80), (anywhere.id, 100)])


def test_scoped_bucket_does_not_cover_international(session, clock, events, operator):
    line = operator.line(balance="100")
    national = operator.bucket(line, "voice", 600, scope="national")
    rate_usage(session, clock, events, [operator.usage(line, seconds=60, to="+447700900123")])
    assert session.scalar(sa.select(RatedUsage)).bucket_units == 0
    session.expire_all()
    assert session.get(Bucket, national.id).remaining == 600


def test_threshold_at_80_percent_once(session, clock, events, operator):
    line = operator.line(balance="100")
    bucket = operator.bucket(line, "sms", 10)
    rate_usage(session, clock, events, [operator.usage(line, "sms", messages=7)])
    assert events.named("bucket.threshold_crossed") == []
    rate_usage(session, clock, events, [operator.usage(line, "sms", messages=1)])
    rate_usage(session, clock, events, [operator.usage(line, "sms", messages=1)])
    crossed = [e.payload["threshold"] for e in events.named("bucket.threshold_crossed")]
    assert crossed == [80] and events.named("bucket.threshold_crossed")[0].payload["bucket_id"] == bucket.id


def test_postpaid_usage_becomes_a_charge_traced_to_rated_records(session, clock, events, operator):
    line = operator.line("postpaid")
    calls = [operator.usage(line, seconds=60), operator.usage(line, seconds=120)]
    summary = rate_usage(session, clock, events, calls)
    charge = session.scalar(sa.select(Charge))
    assert charge.kind == "usage" and charge.amount == Decimal("12.90") and charge.subscription_id == line.id
    rated = list(session.scalars(sa.select(RatedUsage)))
    assert {r.charge_id for r in rated} == {charge.id}
    assert sum(r.postpaid_charged for r in rated) == charge.amount
    assert summary.amounts == {"KES": Decimal("12.90")}


def test_prepaid_record_beyond_balance_is_charged_as_far_as_allowed_and_flagged(session, clock, events, operator):
    line = operator.line(balance="5")
    first = operator.usage(line, seconds=60)  # 4.30
    second = operator.usage(line, seconds=60, at=clock.now() + dt.timedelta(minutes=5))  # 0.70 left
    rate_usage(session, clock, events, [first, second], low_balance={"KES": Decimal("3")})
    rows = {r.usage_id: r for r in session.scalars(sa.select(RatedUsage))}
    assert rows[second.usage_id].balance_debited == Decimal("0.70")
    assert rows[second.usage_id].shortfall == Decimal("3.60")
    assert rows[second.usage_id].flag == "insufficient_balance" and rows[first.usage_id].flag is None
    assert _balance(session, line) == Decimal("0")
    assert [e.payload["account_id"] for e in events.named("balance.low")] == [line.billing_account_id]


def test_overdraft_policy_lets_the_balance_go_negative(session, clock, events, operator):
    line = operator.line(balance="1")
    rate_usage(session, clock, events, [operator.usage(line, seconds=60)], overdraft_limit=Decimal("10"))
    assert _balance(session, line) == Decimal("-3.30")
    assert session.scalar(sa.select(RatedUsage)).flag is None


@pytest.mark.smoke
def test_missing_tariff_and_unknown_subscriber_are_counted_errors_kept_for_rerating(session, clock, events,
                                                                                     operator):
    from catalog.tariffs import service as tariffs

    line = operator.line(balance="100")
    late = tariffs.create_tariff(session, clock, code="LATE", name="Starts in April", currency="KES")
    tariffs.add_version(session, clock, late, effective_from=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    other_plan_line = operator.line(balance="100")
    from billing.models import Subscription

    late_plan = create_offering(session, clock, name="Late plan", code="LATE-PLAN", lifecycle_status="Launched")
    tariffs.link_plan(session, late_plan.id, late)
    session.get(Subscription, other_plan_line.id).offering_id = late_plan.id
    session.flush()
    stranger = UsageEvent(usage_id=900, msisdn="+254799000000", service="voice", direction="out",
                          started_at=clock.now(), other_party="+254733000111", duration_s=30)
    before_tariff = operator.usage(other_plan_line, seconds=30)
    nowhere = operator.usage(line, seconds=30, to="+999")
    summary = rate_usage(session, clock, events, [stranger, before_tariff, nowhere])
    assert summary.rated == 0
    assert dict(summary.errors) == {"unknown_subscriber": 1, "no_tariff_version": 1, "unknown_destination": 1}
    assert summary.outcomes[900].reason == "unknown_subscriber"
    errors = list(session.scalars(sa.select(RatingError)))
    assert {e.usage_id for e in errors} == {900, before_tariff.usage_id, nowhere.usage_id}
    assert all(e.status == "open" and e.usage["msisdn"] for e in errors)
    assert session.scalar(sa.select(sa.func.count(RatedUsage.id))) == 0  # never a silent zero
    assert session.get(RatingRun, summary.run_id).errors == 3


def test_plan_without_tariff_is_an_error(session, clock, events, operator):
    from catalog.tariffs.models import PlanTariff

    line = operator.line(balance="100")
    session.execute(sa.delete(PlanTariff))
    summary = rate_usage(session, clock, events, [operator.usage(line, seconds=30)])
    assert dict(summary.errors) == {"no_tariff": 1}


def test_a_record_is_charged_once(session, clock, events, operator):
    line = operator.line(balance="100")
    call = operator.usage(line, seconds=60)
    rate_usage(session, clock, events, [call, call])
    again = rate_usage(session, clock, events, [call])
    assert again.duplicates == 1 and again.outcomes[call.usage_id].status == "duplicate"
    assert session.scalar(sa.select(sa.func.count(RatedUsage.id))) == 1
    assert _balance(session, line) == Decimal("95.70")


def test_incoming_at_home_is_free_and_roaming_uses_the_visited_network(session, clock, events, operator):
    line = operator.line(balance="100")
    incoming = operator.usage(line, seconds=300, direction="in")
    roaming = operator.usage(line, seconds=61, roaming=True, visited_network="64110")  # Uganda: 30/min 60/60
    rate_usage(session, clock, events, [incoming, roaming])
    got = {r.usage_id: (r.zone, r.amount) for r in session.scalars(sa.select(RatedUsage))}
    assert got[incoming.usage_id] == ("incoming", Decimal("0"))
    assert got[roaming.usage_id] == ("roam-ea", Decimal("60.00"))


def test_effective_dated_version_is_chosen_by_start_time(session, clock, events, operator):
    from catalog.tariffs import service as tariffs

    line = operator.line(balance="1000")
    old = tariffs.versions_of(session, operator.tariff.id)[0]
    change = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    new = tariffs.add_version(session, clock, operator.tariff, effective_from=change)
    tariffs.add_zone(session, clock, new, code="offnet", name="Off-net", kind="offnet")
    tariffs.load_prefixes(session, clock, new, [("2547", "offnet")])
    tariffs.add_rate(session, clock, new, service="voice", zone="offnet", price="6.00", unit_size=60)
    before = operator.usage(line, seconds=60, at=change - dt.timedelta(minutes=1))
    after = operator.usage(line, seconds=60, at=change)
    rate_usage(session, clock, events, [before, after])
    got = {r.usage_id: (r.tariff_version_id, r.amount) for r in session.scalars(sa.select(RatedUsage))}
    assert got[before.usage_id] == (old.id, Decimal("4.30"))
    assert got[after.usage_id] == (new.id, Decimal("6.00"))
