"""TMF622 order states, the moves allowed between them, and the trail every move leaves.

acknowledged -> inProgress -> completed, or -> failed / held / rejected when a step fails;
pending waits for its requested start date; held waits for an agent's retry; a cancellation
passes through assessingCancellation and pendingCancellation to cancelled.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import Conflict
from core.events import EventBus
from orders.models import OrderStateChange, ProductOrder

ACKNOWLEDGED, REJECTED, PENDING, HELD = "acknowledged", "rejected", "pending", "held"
IN_PROGRESS, CANCELLED, COMPLETED, FAILED, PARTIAL = "inProgress", "cancelled", "completed", "failed", "partial"
ASSESSING_CANCELLATION, PENDING_CANCELLATION = "assessingCancellation", "pendingCancellation"

FINAL = frozenset({REJECTED, CANCELLED, COMPLETED, FAILED, PARTIAL})
# States from which processing may (re)start: new, due, or retried by an agent.
RUNNABLE = frozenset({ACKNOWLEDGED, PENDING, HELD})
CANCELLABLE = frozenset({ACKNOWLEDGED, PENDING, HELD})

TRANSITIONS: dict[str, frozenset[str]] = {
    ACKNOWLEDGED: frozenset({IN_PROGRESS, REJECTED, ASSESSING_CANCELLATION}),
    PENDING: frozenset({IN_PROGRESS, REJECTED, ASSESSING_CANCELLATION}),
    HELD: frozenset({IN_PROGRESS, ASSESSING_CANCELLATION}),
    IN_PROGRESS: frozenset({COMPLETED, FAILED, HELD, REJECTED, PARTIAL}),
    ASSESSING_CANCELLATION: frozenset({PENDING_CANCELLATION, ACKNOWLEDGED, PENDING, HELD}),
    PENDING_CANCELLATION: frozenset({CANCELLED}),
    REJECTED: frozenset(), CANCELLED: frozenset(), COMPLETED: frozenset(), FAILED: frozenset(),
    PARTIAL: frozenset(),
}

# The event each state publishes (the CRM turns these into messages on the order's channel).
EVENT_FOR = {IN_PROGRESS: "order.in_progress", COMPLETED: "order.completed", FAILED: "order.failed",
             HELD: "order.held", REJECTED: "order.rejected", CANCELLED: "order.cancelled",
             PARTIAL: "order.partial"}


def payload(order: ProductOrder) -> dict:
    return {"order_id": order.id, "state": order.state, "customer_id": order.customer_id,
            "billing_account_id": order.billing_account_id, "channel": order.channel,
            "external_id": order.external_id, "reason": order.state_reason,
            "items": [{"id": item.item_ref, "kind": item.kind, "state": item.state,
                       "subscription_id": item.subscription_id, "msisdn": item.msisdn}
                      for item in order.items]}


def record(session: Session, order: ProductOrder, from_state: str | None, to_state: str, *,
           reason: str | None, at: dt.datetime) -> None:
    session.add(OrderStateChange(order_id=order.id, from_state=from_state, to_state=to_state,
                                 reason=(reason or None) and reason[:500], changed_at=at))


def move(session: Session, clock: Clock, events: EventBus | None, order: ProductOrder, state: str, *,
         reason: str | None = None, items: bool = True) -> ProductOrder:
    """Move the order (and, with ``items``, every item) to ``state``; Conflict if not allowed.
    Publishes the state's event on ``events`` when it has one."""
    if state not in TRANSITIONS.get(order.state, frozenset()):
        raise Conflict(f"order {order.id} is {order.state} and cannot become {state}", code="illegal_transition",
                       field="state")
    now = clock.now()
    before = order.state
    order.state, order.state_reason, order.updated_at = state, reason and reason[:500], now
    if state == COMPLETED:
        order.completion_date = now
    if items:
        for item in order.items:
            item.state = state if state != PARTIAL else item.state
    record(session, order, before, state, reason=reason, at=now)
    session.flush()
    if events is not None and state in EVENT_FOR:
        events.publish(EVENT_FOR[state], **payload(order))
    return order


def history(session: Session, order: ProductOrder) -> list[OrderStateChange]:
    return list(session.scalars(sa.select(OrderStateChange).where(OrderStateChange.order_id == order.id)
                                .order_by(OrderStateChange.changed_at, OrderStateChange.id)))


def require_state(order: ProductOrder, allowed: frozenset[str], doing: str) -> None:
    if order.state not in allowed:
        raise Conflict(f"order {order.id} is {order.state}; it cannot be {doing}", code="illegal_state",
                       field="state")
