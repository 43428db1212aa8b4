"""Subscriptions: an MSISDN on a plan, billed to an account, and its status lifecycle.

Statuses move only along ``TRANSITIONS``; every move is written to
``subscription_status_change`` and announced on the event bus (``subscription.activated``,
``.suspended``, ``.resumed``, ``.terminated``) for the CRM and provisioning to react.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billing.models import BillingAccount, Subscription, SubscriptionStatusChange
from billing.plans import sellable_plan
from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from core.events import EventBus
from core.msisdn import normalise

PENDING, ACTIVE, SUSPENDED, TERMINATED = "pending", "active", "suspended", "terminated"

TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({ACTIVE, TERMINATED}),
    ACTIVE: frozenset({SUSPENDED, TERMINATED}),
    SUSPENDED: frozenset({ACTIVE, TERMINATED}),
    TERMINATED: frozenset(),
}

# The event each move publishes; suspended -> active is a resumption, not a first activation
# (provisioning and welcome messages listen to "activated" only).
EVENT_FOR = {
    (PENDING, ACTIVE): "subscription.activated",
    (SUSPENDED, ACTIVE): "subscription.resumed",
    (ACTIVE, SUSPENDED): "subscription.suspended",
    (PENDING, TERMINATED): "subscription.terminated",
    (ACTIVE, TERMINATED): "subscription.terminated",
    (SUSPENDED, TERMINATED): "subscription.terminated",
}

ICCID_LENGTHS = range(18, 23)  # ITU-T E.118: 19 or 20 digits usually, up to 22 with a checksum
IMSI_LENGTHS = range(6, 16)


def _digits(value: str | None, field: str, lengths: range) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string of digits", field=field)
    text = value.strip().upper().removesuffix("F")  # some SIM vendors pad the ICCID with F
    if not text.isdigit() or len(text) not in lengths:
        raise ValidationError(f"{field} must be {lengths.start} to {lengths.stop - 1} digits, not {value!r}",
                              field=field)
    return text


def _check_msisdn_free(session: Session, msisdn: str, *, other_than: int | None = None) -> None:
    stmt = sa.select(Subscription.id).where(Subscription.msisdn == msisdn, Subscription.status != TERMINATED)
    if other_than is not None:
        stmt = stmt.where(Subscription.id != other_than)
    holder = session.scalar(stmt.limit(1))
    if holder is not None:
        raise Conflict(f"MSISDN {msisdn} is already in use by subscription {holder}; "
                       "terminate that subscription before reusing the number", code="msisdn_in_use", field="msisdn")


def _record(session: Session, subscription: Subscription, from_status: str | None, to_status: str, *,
            reason: str | None, source: str, at: dt.datetime) -> SubscriptionStatusChange:
    change = SubscriptionStatusChange(subscription_id=subscription.id, from_status=from_status,
                                      to_status=to_status, reason=(reason or None) and reason[:200],
                                      source=(source or "system")[:100], changed_at=at)
    session.add(change)
    return change


def _payload(subscription: Subscription, account: BillingAccount) -> dict:
    return {"subscription_id": subscription.id, "msisdn": subscription.msisdn,
            "billing_account_id": account.id, "customer_id": account.customer_id,
            "offering_id": subscription.offering_id, "status": subscription.status}


def create_subscription(session: Session, clock: Clock, events: EventBus, *, account: BillingAccount, msisdn: str,
                        offering_id: int, default_region: str, iccid: str | None = None, imsi: str | None = None,
                        activate: bool = False, source: str = "system", reason: str | None = None) -> Subscription:
    """Sell a line: ``msisdn`` on plan ``offering_id`` for ``account``.

    The plan's current version is pinned, so later price changes do not alter what was sold.
    The line starts ``pending`` (waiting for the network), or ``active`` with ``activate``.
    """
    if account.state not in ("Defined", "Active"):
        raise Conflict(f"billing account {account.id} is {account.state}; no new lines can be added to it",
                       field="billing_account")
    e164 = normalise(msisdn, default_region)
    now = clock.now()
    offering, version = sellable_plan(session, offering_id, account.payment_type, at=now)
    _check_msisdn_free(session, e164)
    subscription = Subscription(billing_account_id=account.id, msisdn=e164, offering_id=offering.id,
                                offering_version_id=version.id, iccid=_digits(iccid, "iccid", ICCID_LENGTHS),
                                imsi=_digits(imsi, "imsi", IMSI_LENGTHS), status=PENDING, created_at=now,
                                status_changed_at=now)
    session.add(subscription)
    try:
        session.flush()
    except IntegrityError:
        # A concurrent sale of the same number got past the check above; the partial unique
        # index caught it. The session must be rolled back, as after any failed flush (no
        # savepoint: pysqlite would commit on RELEASE outside a begun transaction).
        raise Conflict(f"MSISDN {e164} is already in use by another subscription", code="msisdn_in_use",
                       field="msisdn") from None
    _record(session, subscription, None, PENDING, reason=reason, source=source, at=now)
    if account.state == "Defined":  # the first line puts the account to use
        account.state, account.updated_at = "Active", now
    session.flush()
    events.publish("subscription.created", **_payload(subscription, account))
    if activate:
        change_status(session, clock, events, subscription, ACTIVE, reason=reason, source=source)
    return subscription


def change_status(session: Session, clock: Clock, events: EventBus, subscription: Subscription, status: str, *,
                  reason: str | None = None, source: str = "system") -> Subscription:
    """Move a subscription to ``status``; a move outside ``TRANSITIONS`` is a Conflict.

    Asking for the status it already has changes nothing and records nothing.
    """
    if status not in TRANSITIONS:
        raise ValidationError(f"unknown subscription status {status!r}", field="status")
    current = subscription.status
    if status == current:
        return subscription
    if status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none, it is final"
        raise Conflict(f"subscription {subscription.id} cannot go from {current} to {status} "
                       f"(allowed: {allowed})", code="illegal_transition", field="status")
    account = session.get(BillingAccount, subscription.billing_account_id)
    if status == ACTIVE and account is not None and account.state not in ("Defined", "Active"):
        raise Conflict(f"billing account {account.id} is {account.state}; its lines cannot be activated",
                       field="status")
    now = clock.now()
    subscription.status = status
    subscription.status_changed_at = now
    if status == ACTIVE and subscription.activated_at is None:
        subscription.activated_at = now
    if status == TERMINATED:
        subscription.terminated_at = now
    _record(session, subscription, current, status, reason=reason, source=source, at=now)
    session.flush()
    events.publish(EVENT_FOR[(current, status)], from_status=current, reason=reason,
                   **_payload(subscription, account))
    return subscription


def activate(session: Session, clock: Clock, events: EventBus, subscription: Subscription, **kw) -> Subscription:
    return change_status(session, clock, events, subscription, ACTIVE, **kw)


def suspend(session: Session, clock: Clock, events: EventBus, subscription: Subscription, **kw) -> Subscription:
    return change_status(session, clock, events, subscription, SUSPENDED, **kw)


def resume(session: Session, clock: Clock, events: EventBus, subscription: Subscription, **kw) -> Subscription:
    return change_status(session, clock, events, subscription, ACTIVE, **kw)


def terminate(session: Session, clock: Clock, events: EventBus, subscription: Subscription, **kw) -> Subscription:
    return change_status(session, clock, events, subscription, TERMINATED, **kw)


def change_sim(session: Session, subscription: Subscription, *, iccid: str | None, imsi: str | None = None
               ) -> Subscription:
    """Record the SIM now carrying the line (a SIM swap updates both)."""
    if subscription.status == TERMINATED:
        raise Conflict(f"subscription {subscription.id} is terminated", field="iccid")
    subscription.iccid = _digits(iccid, "iccid", ICCID_LENGTHS)
    subscription.imsi = _digits(imsi, "imsi", IMSI_LENGTHS)
    session.flush()
    return subscription


def delete_subscription(session: Session, subscription: Subscription) -> None:
    """Erase a line that never went live (sold in error). A line that was ever active has
    usage and bills behind it: it must be terminated instead, which keeps its history."""
    if subscription.activated_at is not None:
        raise Conflict(f"subscription {subscription.id} has been active and cannot be deleted; "
                       "terminate it instead (status terminated)", code="has_history")
    session.execute(sa.delete(SubscriptionStatusChange)
                    .where(SubscriptionStatusChange.subscription_id == subscription.id))
    session.delete(subscription)
    session.flush()


def get_subscription(session: Session, subscription_id: int) -> Subscription:
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound(f"there is no subscription {subscription_id}", field="subscription")
    return subscription


def find_active_subscription_by_msisdn(session: Session, e164: str) -> Subscription | None:
    """The live line (not terminated: pending, active or suspended) holding ``e164``, if any.

    Callers check ``status`` themselves: a suspended line still identifies its customer.
    """
    return session.scalar(sa.select(Subscription).where(Subscription.msisdn == e164,
                                                        Subscription.status != TERMINATED))


def subscriptions_of_account(session: Session, account_id: int, *, include_terminated: bool = True
                             ) -> list[Subscription]:
    stmt = sa.select(Subscription).where(Subscription.billing_account_id == account_id)
    if not include_terminated:
        stmt = stmt.where(Subscription.status != TERMINATED)
    return list(session.scalars(stmt.order_by(Subscription.id)))


def subscriptions_of_customer(session: Session, customer_id: int, *, include_terminated: bool = True
                              ) -> list[Subscription]:
    stmt = (sa.select(Subscription).join(BillingAccount, BillingAccount.id == Subscription.billing_account_id)
            .where(BillingAccount.customer_id == customer_id))
    if not include_terminated:
        stmt = stmt.where(Subscription.status != TERMINATED)
    return list(session.scalars(stmt.order_by(Subscription.id)))


def status_history(session: Session, subscription: Subscription) -> list[SubscriptionStatusChange]:
    return list(session.scalars(sa.select(SubscriptionStatusChange)
                                .where(SubscriptionStatusChange.subscription_id == subscription.id)
                                .order_by(SubscriptionStatusChange.changed_at, SubscriptionStatusChange.id)))
