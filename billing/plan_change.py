"""Moving a line to another plan, with the history of which plan it was on when.

Rating and invoices read the plan a line had at the time of the usage, so a change never
edits the past: it writes a ``subscription_plan_change`` row (from, to, when, why) and pins the
new plan's version in effect at the change.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from billing.models import BillingAccount, Subscription
from billing.plans import sellable_plan
from core.clock import Clock
from core.db import Base, UTCDateTime
from core.errors import Conflict, ValidationError
from core.events import EventBus


class SubscriptionPlanChange(Base):
    __tablename__ = "subscription_plan_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("subscription.id"), index=True)
    from_offering_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering.id"))
    from_version_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering_version.id"))
    to_offering_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering.id"))
    to_version_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering_version.id"))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(100))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


def change_plan(session: Session, clock: Clock, events: EventBus, subscription: Subscription, offering_id: int, *,
                reason: str | None = None, source: str = "system") -> SubscriptionPlanChange:
    """Put a live line on plan ``offering_id`` (its version in effect now); Conflict if the line
    is terminated or already on that plan, ValidationError if the plan does not suit the account."""
    if subscription.status == "terminated":
        raise Conflict(f"subscription {subscription.id} is terminated; its plan cannot change",
                       field="product_offering")
    if subscription.offering_id == offering_id:
        raise Conflict(f"subscription {subscription.id} is already on this plan", code="same_plan",
                       field="product_offering")
    account = session.get(BillingAccount, subscription.billing_account_id)
    if account is None:  # only a damaged database gets here
        raise ValidationError(f"subscription {subscription.id} has no billing account", field="billing_account")
    now = clock.now()
    offering, version = sellable_plan(session, offering_id, account.payment_type, at=now)
    change = SubscriptionPlanChange(subscription_id=subscription.id, from_offering_id=subscription.offering_id,
                                    from_version_id=subscription.offering_version_id, to_offering_id=offering.id,
                                    to_version_id=version.id, reason=(reason or None) and reason[:200],
                                    source=(source or "system")[:100], changed_at=now)
    session.add(change)
    subscription.offering_id = offering.id
    subscription.offering_version_id = version.id
    session.flush()
    events.publish("subscription.plan_changed", subscription_id=subscription.id, msisdn=subscription.msisdn,
                   billing_account_id=account.id, customer_id=account.customer_id,
                   from_offering_id=change.from_offering_id, to_offering_id=offering.id, reason=reason)
    return change


def plan_history(session: Session, subscription: Subscription) -> list[SubscriptionPlanChange]:
    return list(session.scalars(sa.select(SubscriptionPlanChange)
                                .where(SubscriptionPlanChange.subscription_id == subscription.id)
                                .order_by(SubscriptionPlanChange.changed_at, SubscriptionPlanChange.id)))
