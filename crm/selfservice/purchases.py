"""Bundle purchases and order look-ups for the dialogs: a purchase is an order (``orders``).

The order is placed through ``orders.capture.place_order`` like any channel's; the gateway
hands the self-service a ``process_order`` collaborator (order orchestration) so the order is
processed at once and the customer hears the outcome in the same session. Without one the
order waits, acknowledged, for the order workers.
"""
from __future__ import annotations

import sqlalchemy as sa

from catalog.models import ProductOffering
from crm.selfservice.engine import Context
from orders.capture import ItemRequest, OrderRequest, place_order
from orders.models import ProductOrder


def buy_bundle(ctx: Context, offering: ProductOffering) -> ProductOrder:
    """Place (and, where orchestration exists, process) the order for one bundle on the caller's line."""
    caller = ctx.caller
    key = f"{ctx.inbound.channel}:{ctx.conversation.id}:{ctx.inbound.session_id or ctx.inbound.received_at}"
    request = OrderRequest(
        items=(ItemRequest(ref="1", action="add", offering_id=offering.id, subscription_id=caller.subscription_id,
                           msisdn=caller.address),),
        customer_id=caller.customer_id, billing_account_id=caller.account_id,
        channel=ctx.inbound.channel, description=f"{offering.name} by {ctx.inbound.channel}",
        category="bundle_purchase", idempotency_key=key)
    order, _new = place_order(ctx.session, ctx.clock, ctx.events, request)
    if ctx.config.process_order is not None:
        ctx.config.process_order(ctx.session, ctx.clock, ctx.events, order)
    return order


def find_order(ctx: Context, number: str) -> ProductOrder | None:
    """The caller's order with this number (its id); another customer's order is not found."""
    if not number.isdigit() or ctx.caller.customer_id is None:
        return None
    return ctx.session.scalar(sa.select(ProductOrder).where(ProductOrder.id == int(number),
                                                           ProductOrder.customer_id == ctx.caller.customer_id))


def recent_orders(ctx: Context, limit: int = 5) -> list[ProductOrder]:
    if ctx.caller.customer_id is None:
        return []
    return list(ctx.session.scalars(sa.select(ProductOrder).where(ProductOrder.customer_id == ctx.caller.customer_id)
                                    .order_by(ProductOrder.id.desc()).limit(limit)))
