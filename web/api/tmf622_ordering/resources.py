"""The TMF622 resources: ``productOrder`` and ``cancelProductOrder`` over ``orders``.

- ``POST productOrder`` places the order and, unless its ``requestedStartDate`` is in the
  future (then it is ``pending`` until ``flask orders run-due``), runs it at once: the answer
  shows it ``completed``, or ``rejected``/``held``/``failed`` with ``stateReason``. A request
  repeating an ``externalId`` or ``Idempotency-Key`` header answers with the first order as it
  is now, and places nothing; the same key with a different request is a 409.
- ``PATCH productOrder/{id}`` with ``state: inProgress`` retries a held order; with
  ``state: cancelled`` cancels it, as ``cancelProductOrder`` does.
- ``POST cancelProductOrder`` cancels an order that has not completed; a completed one is a 409.
"""
from __future__ import annotations

from flask import current_app

from core.db import db
from core.errors import Conflict, ValidationError
from orders import cancellation, orchestration, states
from orders.capture import place_order
from orders.models import CancelProductOrder, ProductOrder
from orders.provisioning import ProvisioningAdapter
from web import context
from web.api.tmf.filters import by_id, by_instant, by_text
from web.api.tmf.payload import get_datetime, get_obj, get_str, ref_id
from web.api.tmf.resource import load_by_id, model_resource
from web.api.tmf622_ordering.api import API
from web.api.tmf622_ordering.mapping import cancel_tmf, order_request, order_tmf


def provisioning() -> ProvisioningAdapter:
    return current_app.extensions["bss.provisioning"]


def _region() -> str:
    return context.settings().default_region


def _create(body: dict) -> ProductOrder:
    wanted = order_request(body)
    try:
        order, new = place_order(db.session, context.clock(), context.events(), wanted)
    except Conflict as error:
        if error.code != "duplicate_order":
            raise
        # The same key was placed concurrently and that order is now committed: answer with it.
        db.session.rollback()
        order, new = place_order(db.session, context.clock(), context.events(), wanted)
    if new and order.state == states.ACKNOWLEDGED:
        orchestration.process_order(db.session, context.clock(), context.events(), provisioning(), order,
                                    default_region=_region(), source=f"order:{order.channel or 'api'}")
    return order


def _update(order: ProductOrder, body: dict) -> ProductOrder:
    unknown = set(body) - {"id", "href", "state", "cancellationReason", "description", "@type"}
    if unknown:
        raise ValidationError(f"cannot be changed on an order: {', '.join(sorted(unknown))}; place a new order",
                              field=sorted(unknown)[0])
    if "description" in body:
        order.description = get_str(body, "description", max_length=500)
    state = get_str(body, "state")
    if state in (None, order.state):
        return order
    if state == states.IN_PROGRESS:
        return orchestration.retry_order(db.session, context.clock(), context.events(), provisioning(), order,
                                         default_region=_region())
    if state == states.CANCELLED:
        cancellation.cancel_order(db.session, context.clock(), context.events(), order,
                                  reason=get_str(body, "cancellationReason", max_length=500))
        return order
    raise ValidationError("state may be set to inProgress (retry a held order) or cancelled", field="state")


_load_order = load_by_id(ProductOrder)


API.add(model_resource(
    ProductOrder,
    name="productOrder",
    type_name="ProductOrder",
    to_tmf=order_tmf,
    create=_create,
    update=_update,
    filters={
        "state": by_text(ProductOrder.state),
        "externalId": by_text(ProductOrder.external_id),
        "channel.name": by_text(ProductOrder.channel), "channel.id": by_text(ProductOrder.channel),
        "orderDate": by_instant(ProductOrder.order_date),
        "relatedParty.id": by_id(ProductOrder.customer_id),
        "billingAccount.id": by_id(ProductOrder.billing_account_id),
    },
    description="Product orders: new lines, plan changes, bundles, SIM swaps, suspensions and terminations.",
))


def _cancel(body: dict) -> CancelProductOrder:
    ref = get_obj(body, "productOrder", required=True)
    ident = ref_id(ref, "productOrder")
    order = _load_order(ident)
    if order is None:  # a bad reference in the body, not an unknown URL: 400
        raise ValidationError(f"there is no product order {ident}", field="productOrder")
    return cancellation.cancel_order(db.session, context.clock(), context.events(), order,
                                     reason=get_str(body, "cancellationReason", max_length=500),
                                     requested_date=get_datetime(body, "requestedCancellationDate"))


API.add(model_resource(
    CancelProductOrder,
    name="cancelProductOrder",
    type_name="CancelProductOrder",
    to_tmf=cancel_tmf,
    create=_cancel,
    filters={
        "state": by_text(CancelProductOrder.state),
        "productOrder.id": by_id(CancelProductOrder.order_id),
    },
    description="Requests to cancel a product order before it completes.",
))
