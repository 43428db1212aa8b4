"""Cancelling an order before it completes (TMF622 ``cancelProductOrder``).

An order that has not completed has changed nothing in billing (that happens only at
completion), so cancelling it means releasing whatever stock it still holds and recording the
decision: assessingCancellation -> pendingCancellation -> cancelled. A completed order is
undone by a new order (terminate the line, remove the bundle), never by cancelling it.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import Conflict
from core.events import EventBus
from orders import states, stock
from orders.models import CancelProductOrder, ProductOrder


def cancel_order(session: Session, clock: Clock, events: EventBus, order: ProductOrder, *,
                 reason: str | None = None, requested_date: dt.datetime | None = None) -> CancelProductOrder:
    """Cancel ``order`` now; Conflict (and no request recorded) when it is past cancelling."""
    if order.state not in states.CANCELLABLE:
        hint = " Place a new order to undo what it did." if order.state == states.COMPLETED else ""
        raise Conflict(f"order {order.id} is {order.state} and can no longer be cancelled.{hint}",
                       code="not_cancellable", field="productOrder")
    now = clock.now()
    request = CancelProductOrder(order_id=order.id, state="inProgress", reason=(reason or None) and reason[:500],
                                 requested_at=now, requested_cancellation_date=requested_date)
    session.add(request)
    states.move(session, clock, events, order, states.ASSESSING_CANCELLATION, reason=reason)
    states.move(session, clock, events, order, states.PENDING_CANCELLATION, reason=reason)
    stock.release_order(session, clock, order.id)
    order.cancellation_date, order.cancellation_reason = now, request.reason
    states.move(session, clock, events, order, states.CANCELLED, reason=reason or "cancelled on request")
    request.state, request.effective_cancellation_date = "done", now
    session.flush()
    return request


def cancellations_of(session: Session, order_id: int) -> list[CancelProductOrder]:
    return list(session.scalars(sa.select(CancelProductOrder).where(CancelProductOrder.order_id == order_id)
                                .order_by(CancelProductOrder.id)))
