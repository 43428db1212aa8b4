"""Running an order through its steps: validate, check the money, reserve stock, provision on
the network, activate billing, notify.

The steps that change our database run inside one savepoint; when any step fails the
savepoint is rolled back (no line, bucket, charge, debit or reservation is left behind), what
the network already did is undone through the adapter, and the order ends ``rejected``
(validation), ``held`` (a retry may succeed: not enough money, network unavailable) or
``failed``, with the reason. Events the steps publish (a line activated, a bucket granted) are
held back and published only when the order completes, so nobody hears of an activation that
was rolled back.

Like every service this flushes and never commits; the route, command or task that processes
the order commits.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import Conflict, DomainError
from core.events import Event, EventBus
from orders import activation, states
from orders.models import ProductOrder
from orders.provisioning import ProvisioningAdapter, ProvisioningError
from orders.validation import InsufficientFunds, ItemWork, OrderRejected, check_funds, validate_item

log = logging.getLogger(__name__)


class HeldBackBus(EventBus):
    """Collects events instead of delivering them; ``release`` delivers them in order."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[Event] = []

    def publish(self, name: str, **payload) -> Event:
        event = Event(name, payload)
        self.held.append(event)
        return event

    def release(self, to: EventBus) -> None:
        for event in self.held:
            to.publish(event.name, **event.payload)
        self.held.clear()


def process_order(session: Session, clock: Clock, events: EventBus, provisioning: ProvisioningAdapter,
                  order: ProductOrder, *, default_region: str, source: str = "system") -> ProductOrder:
    """Run the order's steps now. A pending order not yet due is left alone; a final one is a
    Conflict. Returns the order in its new state."""
    states.require_state(order, states.RUNNABLE, "processed")
    if order.state == states.PENDING and order.requested_start_date and order.requested_start_date > clock.now():
        return order
    order.attempts += 1
    # The move flushes an UPDATE, so the savepoint below opens inside a begun transaction
    # (pysqlite would otherwise commit on RELEASE).
    states.move(session, clock, events, order, states.IN_PROGRESS)
    held_back = HeldBackBus()
    works: list[ItemWork] = []
    try:
        with session.begin_nested():
            works = [validate_item(session, clock, order, item, default_region=default_region)
                     for item in order.items]
            check_funds(session, works)
            for work in works:
                activation.reserve(session, clock, order, work)
            for work in works:
                activation.provision(provisioning, order, work)
            for work in works:
                activation.activate(session, clock, held_back, order, work, default_region=default_region,
                                    source=source)
    except (DomainError, ProvisioningError, IntegrityError) as error:
        # IntegrityError: a concurrent order took a row a step relied on; the savepoint is gone
        # with it, the order fails with the database's reason.
        return _fail(session, clock, events, provisioning, order, works, error)
    held_back.release(events)
    return states.move(session, clock, events, order, states.COMPLETED)


def _fail(session: Session, clock: Clock, events: EventBus, provisioning: ProvisioningAdapter,
          order: ProductOrder, works: list[ItemWork], error: Exception) -> ProductOrder:
    reason = getattr(error, "message", None) or str(getattr(error, "orig", error)).splitlines()[0]
    for work in reversed(works):
        if work.network_ref is None:
            continue
        try:
            provisioning.undo(work.network_ref)
        except ProvisioningError as undo_error:
            # The order still fails; the stray network change is named for an agent to clear.
            log.error("order %s: could not undo network request %s: %s", order.id, work.network_ref, undo_error)
            reason += f"; network request {work.network_ref} could not be undone: {undo_error.message}"
    for item in order.items:  # values set in the rolled-back savepoint are gone with it
        session.refresh(item)
    if isinstance(error, OrderRejected):
        state = states.REJECTED
    elif isinstance(error, InsufficientFunds) or (isinstance(error, ProvisioningError) and error.transient) \
            or (isinstance(error, Conflict) and error.code == "out_of_stock"):
        state = states.HELD
    else:
        state = states.FAILED
    return states.move(session, clock, events, order, state, reason=reason)


def retry_order(session: Session, clock: Clock, events: EventBus, provisioning: ProvisioningAdapter,
                order: ProductOrder, *, default_region: str, source: str = "agent") -> ProductOrder:
    """An agent runs a held order again (after a top-up, a raised limit, the network back)."""
    states.require_state(order, frozenset({states.HELD}), "retried (only a held order is)")
    return process_order(session, clock, events, provisioning, order, default_region=default_region, source=source)


def due_order_ids(session: Session, clock: Clock) -> list[int]:
    """Scheduled orders whose requested start has come, oldest first."""
    return list(session.scalars(sa.select(ProductOrder.id).where(
        ProductOrder.state == states.PENDING, ProductOrder.requested_start_date <= clock.now())
        .order_by(ProductOrder.requested_start_date, ProductOrder.id)))


def run_due(session: Session, clock: Clock, events: EventBus, provisioning: ProvisioningAdapter, *,
            default_region: str, order_ids: Iterable[int] | None = None) -> list[ProductOrder]:
    """Process every due scheduled order (for the task runner); the caller commits."""
    done = []
    for order_id in order_ids if order_ids is not None else due_order_ids(session, clock):
        order = session.get(ProductOrder, order_id)
        if order is not None and order.state == states.PENDING:
            done.append(process_order(session, clock, events, provisioning, order, default_region=default_region,
                                      source="scheduler"))
    return done
