"""What a line may still use: its live buckets with what was used of them, and the prepaid
balance of its account; what TMF677 usage consumption queries answer."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.balances import balance_of
from billing.models import BillingAccount, Bucket, Subscription
from billing.rating.models import ConsumptionQuery, RatedUsage
from core.clock import Clock
from core.errors import NotFound


@dataclass(frozen=True)
class LineConsumption:
    subscription: Subscription
    account: BillingAccount
    buckets: list[Bucket]
    balance: Decimal | None  # prepaid money; None on postpaid
    out_of_bucket: dict[str, int]  # service -> billed units paid with money since the oldest live bucket


def consumption_of(session: Session, clock: Clock, subscription_ids: list[int]) -> list[LineConsumption]:
    now = clock.now()
    result = []
    for subscription in session.scalars(sa.select(Subscription).where(Subscription.id.in_(subscription_ids))
                                        .order_by(Subscription.id)):
        account = session.get(BillingAccount, subscription.billing_account_id)
        buckets = list(session.scalars(sa.select(Bucket).where(
            Bucket.subscription_id == subscription.id, Bucket.status == "active", Bucket.valid_from <= now,
            sa.or_(Bucket.valid_to.is_(None), Bucket.valid_to > now)).order_by(Bucket.valid_to, Bucket.id)))
        since = min((b.valid_from for b in buckets), default=now - dt.timedelta(days=30))
        paid = dict(session.execute(
            sa.select(RatedUsage.service, sa.func.sum(RatedUsage.billed_units - RatedUsage.bucket_units))
            .where(RatedUsage.subscription_id == subscription.id, RatedUsage.status == "rated",
                   RatedUsage.started_at >= since).group_by(RatedUsage.service)).tuples().all())
        balance = balance_of(session, account).amount if account.is_prepaid else None
        result.append(LineConsumption(subscription, account, buckets, balance,
                                      {k: int(v or 0) for k, v in paid.items()}))
    return result


def save_query(session: Session, clock: Clock, criteria: dict, lines: list[int], report: list[dict]
               ) -> ConsumptionQuery:
    query = ConsumptionQuery(criteria=criteria, lines=lines, report=report, created_at=clock.now())
    session.add(query)
    session.flush()
    return query


def lines_for(session: Session, *, subscription_ids: list[int], msisdns: list[str], account_ids: list[int]
              ) -> list[int]:
    """The lines a query names, by product id, MSISDN or billing account; NotFound if none."""
    conditions = []
    if subscription_ids:
        conditions.append(Subscription.id.in_(subscription_ids))
    if msisdns:
        conditions.append(sa.and_(Subscription.msisdn.in_(msisdns), Subscription.status != "terminated"))
    if account_ids:
        conditions.append(Subscription.billing_account_id.in_(account_ids))
    if not conditions:
        return []
    found = list(session.scalars(sa.select(Subscription.id).where(sa.or_(*conditions)).order_by(Subscription.id)))
    if not found:
        raise NotFound("no product matches the search criteria")
    return found
