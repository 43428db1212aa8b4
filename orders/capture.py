"""Placing an order: the one entrance for every channel (REST API, console, portal, kiosk,
self-service dialogs).

A channel describes what the customer asked for as an ``OrderRequest``; ``place_order`` records
it as ``acknowledged`` (or ``pending`` when it starts later), says what each item will do, and
publishes ``order.acknowledged``. Whether the order can be done is decided when it is processed
(``orders.orchestration``), so an order for an unknown offer is kept and rejected with the
reason, as TMF622 expects.

The same idempotency key (``externalId`` or an ``Idempotency-Key`` header) places one order:
the second request gets the first order back, and a different request under a used key is a
Conflict.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billing.models import Subscription
from catalog.models import ProductOffering
from core.clock import Clock
from core.errors import Conflict, ValidationError
from core.events import EventBus
from orders import states
from orders.models import ITEM_ACTIONS, ProductOrder, ProductOrderItem

MAX_ITEMS = 50


@dataclass(frozen=True)
class ItemRequest:
    """One ``productOrderItem``: what to do (``action``) with which offering on which line."""

    ref: str
    action: str
    offering_id: int | None = None
    offering_ref: str | None = None  # a reference we could not read as one of our offerings
    subscription_id: int | None = None  # the line (TMF637 product) the item changes
    product_ref: str | None = None
    msisdn: str | None = None  # a number the customer chose, or the line addressed by number
    iccid: str | None = None  # a SIM handed over in a store; "" on a modify asks for a SIM swap from stock
    target_status: str | None = None  # "suspended" or "active" on a modify
    quantity: int = 1


@dataclass(frozen=True)
class OrderRequest:
    items: tuple[ItemRequest, ...]
    customer_id: int | None = None
    billing_account_id: int | None = None
    related_party: tuple[dict[str, Any], ...] = ()
    external_id: str | None = None
    idempotency_key: str | None = None
    channel: str | None = None
    description: str | None = None
    category: str | None = None
    priority: str | None = None
    notes: tuple[dict[str, Any], ...] = field(default=())
    requested_start_date: dt.datetime | None = None
    requested_completion_date: dt.datetime | None = None

    def digest(self) -> str:
        """A fingerprint of what was asked, to tell a replay from a different request."""
        body = asdict(self)
        body.pop("idempotency_key")
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _key(request: OrderRequest) -> str | None:
    if request.idempotency_key:
        return f"key:{request.idempotency_key}"[:200]
    if request.external_id:
        return f"ext:{request.external_id}"[:200]
    return None


def find_by_key(session: Session, key: str) -> ProductOrder | None:
    return session.scalar(sa.select(ProductOrder).where(ProductOrder.idempotency_key == key))


def _check(request: OrderRequest) -> None:
    if not request.items:
        raise ValidationError("an order needs at least one item", field="productOrderItem")
    if len(request.items) > MAX_ITEMS:
        raise ValidationError(f"an order holds at most {MAX_ITEMS} items", field="productOrderItem")
    refs = [item.ref for item in request.items]
    if len(set(refs)) != len(refs):
        raise ValidationError("item ids must be unique within the order", field="productOrderItem.id")
    for item in request.items:
        if item.action not in ITEM_ACTIONS:
            raise ValidationError(f"action must be one of {', '.join(ITEM_ACTIONS)}, not {item.action!r}",
                                  field="productOrderItem.action")
        if item.target_status not in (None, "suspended", "active"):
            raise ValidationError("a product status in an order is suspended or active",
                                  field="productOrderItem.product.status")
    if (request.requested_start_date and request.requested_completion_date
            and request.requested_completion_date < request.requested_start_date):
        raise ValidationError("requestedCompletionDate is before requestedStartDate",
                              field="requestedCompletionDate")


def classify(session: Session, item: ItemRequest) -> str | None:
    """What the item does (one of ``ITEM_KINDS``), or None when it cannot be told yet."""
    offering = session.get(ProductOffering, item.offering_id) if item.offering_id else None
    kind = offering.kind if offering else None
    if item.action == "noChange":
        return "no_change"
    if item.action == "add":
        if kind == "plan":
            return "new_line"
        return "bundle_purchase" if kind in ("bundle", "addon") else None
    if item.action == "delete":
        return "addon_removal" if kind in ("bundle", "addon") else "terminate"
    if item.target_status == "suspended":
        return "suspend"
    if item.target_status == "active":
        return "resume"
    if item.iccid is not None:
        return "sim_swap"
    return "plan_change" if kind == "plan" else None


def place_order(session: Session, clock: Clock, events: EventBus, request: OrderRequest
                ) -> tuple[ProductOrder, bool]:
    """Record an order; returns it and whether it is new (False: the key was seen before)."""
    _check(request)
    key = _key(request)
    digest = request.digest()
    if key is not None and (existing := find_by_key(session, key)) is not None:
        return _replay(existing, digest), False
    now = clock.now()
    scheduled = request.requested_start_date is not None and request.requested_start_date > now
    state = states.PENDING if scheduled else states.ACKNOWLEDGED
    order = ProductOrder(
        state=state, external_id=request.external_id, idempotency_key=key, request_digest=digest,
        customer_id=request.customer_id, billing_account_id=request.billing_account_id,
        related_party=list(request.related_party), channel=request.channel, description=request.description,
        category=request.category, priority=request.priority, notes=list(request.notes), order_date=now,
        requested_start_date=request.requested_start_date,
        requested_completion_date=request.requested_completion_date, attempts=0, updated_at=now)
    for item in request.items:
        subscription_id = item.subscription_id
        if subscription_id is not None and session.get(Subscription, subscription_id) is None:
            subscription_id = None  # kept as product_ref; validation rejects it with the reason
        order.items.append(ProductOrderItem(
            item_ref=item.ref, action=item.action, kind=classify(session, item), state=state,
            offering_id=item.offering_id, offering_ref=item.offering_ref, subscription_id=subscription_id,
            product_ref=item.product_ref or (str(item.subscription_id) if item.subscription_id else None),
            requested={k: v for k, v in (("msisdn", item.msisdn), ("iccid", item.iccid),
                                         ("status", item.target_status)) if v is not None},
            quantity=item.quantity))
    session.add(order)
    try:
        session.flush()
    except IntegrityError:
        # The same key placed concurrently got in first; the caller rolls back and asks again.
        raise Conflict("an order with this idempotency key is being placed; retry the request",
                       code="duplicate_order") from None
    states.record(session, order, None, state, reason="scheduled" if scheduled else None, at=now)
    events.publish("order.acknowledged", **states.payload(order))
    if scheduled:
        events.publish("order.scheduled", **states.payload(order))
    return order, True


def _replay(order: ProductOrder, digest: str) -> ProductOrder:
    if order.request_digest != digest:
        raise Conflict(f"this idempotency key was used for order {order.id} with a different request",
                       code="idempotency_key_reused")
    return order
