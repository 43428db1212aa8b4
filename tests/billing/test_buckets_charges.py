"""Buckets granted from offering versions, read in consumption order; postpaid charges."""
import datetime as dt
from decimal import Decimal

import pytest

from billing import buckets, charges
from billing.subscriptions import create_subscription, terminate
from catalog.offerings import create_offering, current_version
from catalog.versions import Allowances
from core.errors import Conflict, ValidationError


@pytest.fixture
def line(session, clock, events, prepaid, plan):
    return create_subscription(session, clock, events, account=prepaid, msisdn="0712345678", offering_id=plan.id,
                               default_region="KE", activate=True)


@pytest.fixture
def combo(session, clock):
    return create_offering(session, clock, name="Combo", code="COMBO", kind="bundle", lifecycle_status="Launched",
                           allowances=Allowances(voice_minutes=100, sms_count=50, data_mb=1024), validity_days=7)


@pytest.mark.smoke
def test_allowances_become_buckets_in_base_units(session, clock, events, line, combo):
    version = current_version(session, combo)
    granted = buckets.grant_allowances(session, clock, events, subscription=line, version=version, source="bundle",
                                       reference="order-1")
    by_service = {b.service: b for b in granted}
    assert by_service["voice"].initial == 100 * 60 and by_service["voice"].unit == "second"
    assert by_service["sms"].initial == 50
    assert by_service["data"].initial == 1024 * 1024 * 1024 and by_service["data"].unit == "byte"
    assert all(b.valid_to == clock.now() + dt.timedelta(days=7) for b in granted)
    assert all(b.offering_version_id == version.id for b in granted)
    assert [e.payload["service"] for e in events.named("bucket.granted")] == ["voice", "sms", "data"]


def test_live_buckets_come_scoped_first_then_earliest_expiry(session, clock, events, line):
    now = clock.now()
    late = buckets.grant_bucket(session, clock, events, subscription=line, service="voice", amount=600,
                                source="bundle", valid_to=now + dt.timedelta(days=30))
    soon = buckets.grant_bucket(session, clock, events, subscription=line, service="voice", amount=600,
                                source="bundle", valid_to=now + dt.timedelta(days=1))
    scoped = buckets.grant_bucket(session, clock, events, subscription=line, service="voice", amount=600,
                                  source="bundle", valid_to=now + dt.timedelta(days=60), scope="onnet")
    expired = buckets.grant_bucket(session, clock, events, subscription=line, service="voice", amount=600,
                                   source="bundle", valid_from=now - dt.timedelta(days=3),
                                   valid_to=now - dt.timedelta(days=1))
    revoked = buckets.grant_bucket(session, clock, events, subscription=line, service="voice", amount=600,
                                   source="bundle")
    buckets.revoke_bucket(session, clock, revoked)
    buckets.grant_bucket(session, clock, events, subscription=line, service="sms", amount=10, source="bundle")
    order = [b.id for b in buckets.live_buckets(session, line.id, now, "voice")]
    assert order == [scoped.id, soon.id, late.id]
    assert expired.id not in order


@pytest.mark.parametrize("amount", [0, -5, Decimal("1.5"), True])
def test_a_bucket_needs_positive_whole_units(session, clock, events, line, amount):
    with pytest.raises(ValidationError):
        buckets.grant_bucket(session, clock, events, subscription=line, service="data", amount=amount,
                             source="bundle")


def test_no_units_for_a_terminated_line(session, clock, events, line):
    terminate(session, clock, events, line)
    with pytest.raises(Conflict):
        buckets.grant_bucket(session, clock, events, subscription=line, service="sms", amount=5, source="bundle")


@pytest.mark.smoke
def test_postpaid_charges_are_rounded_and_cancellable(session, clock, events, postpaid):
    fee = charges.add_charge(session, clock, events, account=postpaid, kind="oneTime", amount=Decimal("99.995"),
                             description="SIM replacement fee", reference="order-7")
    assert fee.amount == Decimal("100.00") and fee.currency == "KES"
    assert [c.id for c in charges.unbilled_charges(session, postpaid.id)] == [fee.id]
    charges.cancel_charge(session, fee)
    assert charges.unbilled_charges(session, postpaid.id) == []
    with pytest.raises(TypeError):
        charges.add_charge(session, clock, events, account=postpaid, kind="oneTime", amount=1.5, description="x")
    with pytest.raises(ValidationError):
        charges.add_charge(session, clock, events, account=postpaid, kind="tip", amount=1, description="x")
