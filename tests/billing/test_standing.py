"""The self-service standing read (one statement of plain columns) gives what the entity reads
give: ``available_money`` / unbilled charges, and ``live_buckets`` in consumption order."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billing import buckets, charges
from billing.balances import available_money, credit_balance
from billing.standing import line_standing, prepaid_money
from billing.subscriptions import create_subscription

HOUR = dt.timedelta(hours=1)


def _grant_many(session, clock, events, line) -> None:
    """Buckets that are live and buckets that are not, in an order their ids do not follow."""
    now = clock.now()
    grant = buckets.grant_bucket
    grant(session, clock, events, subscription=line, service="data", amount=5_000_000, source="bundle",
          valid_to=now + 48 * HOUR)
    grant(session, clock, events, subscription=line, service="voice", amount=600, source="plan",
          valid_to=now + 10 * HOUR, scope="onnet", priority=50)
    grant(session, clock, events, subscription=line, service="sms", amount=100, source="promotion")  # no expiry
    grant(session, clock, events, subscription=line, service="voice", amount=1200, source="bundle",
          valid_to=now + 10 * HOUR, priority=10)
    grant(session, clock, events, subscription=line, service="voice", amount=300, source="bundle",
          valid_from=now + HOUR, valid_to=now + 5 * HOUR)  # not started yet
    expiring = grant(session, clock, events, subscription=line, service="data", amount=1000, source="bundle",
                     valid_to=now + HOUR // 2)
    used_up = grant(session, clock, events, subscription=line, service="sms", amount=10, source="bundle")
    used_up.remaining = 0
    revoked = grant(session, clock, events, subscription=line, service="voice", amount=60, source="adjustment")
    buckets.revoke_bucket(session, clock, revoked)
    session.flush()
    assert expiring.valid_to > now


@pytest.mark.parametrize("later", [dt.timedelta(0), HOUR, 11 * HOUR])
def test_prepaid_standing_is_the_balance_and_live_buckets_in_order(session, clock, events, prepaid, plan, later):
    line = create_subscription(session, clock, events, account=prepaid, msisdn="0712345678", offering_id=plan.id,
                               default_region="KE", activate=True)
    credit_balance(session, clock, events, account=prepaid, amount=Decimal("123.45"), reason="topup")
    _grant_many(session, clock, events, line)
    session.commit()
    at = clock.now() + later

    standing = line_standing(session, account_id=prepaid.id, subscription_id=line.id, prepaid=True,
                             currency="KES", at=at)

    assert standing.money == available_money(session, prepaid) == prepaid_money(session, prepaid.id, "KES")
    expected = buckets.live_buckets(session, line.id, at)
    assert [(b.id, b.service, b.remaining, b.scope, b.valid_to) for b in standing.buckets] == [
        (b.id, b.service, b.remaining, b.scope, b.valid_to) for b in expected]
    assert expected  # the case is not empty


def test_a_prepaid_account_without_a_balance_row_still_shows_its_buckets(session, clock, events, prepaid, plan):
    from billing.models import Balance

    line = create_subscription(session, clock, events, account=prepaid, msisdn="0712345679", offering_id=plan.id,
                               default_region="KE", activate=True)
    buckets.grant_bucket(session, clock, events, subscription=line, service="sms", amount=5, source="promotion")
    session.query(Balance).filter_by(billing_account_id=prepaid.id).delete()
    session.commit()
    standing = line_standing(session, account_id=prepaid.id, subscription_id=line.id, prepaid=True,
                             currency="KES", at=clock.now())
    assert standing.money.amount == Decimal(0) and [b.service for b in standing.buckets] == ["sms"]


def test_postpaid_standing_is_what_is_owed_and_live_buckets(session, clock, events, postpaid, plan):
    line = create_subscription(session, clock, events, account=postpaid, msisdn="0733000111", offering_id=plan.id,
                               default_region="KE", activate=True)
    for amount in ("49.99", "0.01", "-10.00", "1234.56"):
        charges.add_charge(session, clock, events, account=postpaid, kind="usage", amount=amount,
                           description="usage", subscription_id=line.id)
    _grant_many(session, clock, events, line)
    session.commit()

    standing = line_standing(session, account_id=postpaid.id, subscription_id=line.id, prepaid=False,
                             currency="KES", at=clock.now())

    owed = sum((c.amount for c in charges.unbilled_charges(session, postpaid.id)), Decimal(0))
    assert standing.money.amount == owed == Decimal("1274.56")
    assert [b.id for b in standing.buckets] == [b.id for b in buckets.live_buckets(session, line.id, clock.now())]
