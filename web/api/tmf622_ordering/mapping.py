"""TMF622 ``productOrder`` and ``cancelProductOrder`` JSON to ``orders`` requests and back.

Mapping choices, where TMF622 leaves room:

- The customer is the ``relatedParty`` with role ``customer`` (or ``@referredType``
  ``Customer``, or the only party). A party we do not know is kept as sent, and the order is
  rejected with the reason when processed, as TMF622 orders are validated after acknowledgment.
- An item's ``product.id`` is the line (TMF637 product) it changes; ``product.status``
  ``suspended``/``active`` suspends or resumes it; a ``productCharacteristic`` named ``ICCID`` on a
  ``modify`` swaps the SIM (an empty value takes one from stock); ``MSISDN`` on an ``add``
  chooses the number, elsewhere it names the line.
- ``channel[0].name`` is the channel the customer used (``api`` when absent); the customer is
  told on it when the order completes.
- ``stateReason`` (an extension) says why an order is rejected, held, failed or cancelled.
"""
from __future__ import annotations

from typing import Any

from flask import request

from billing.models import BillingAccount, Subscription
from catalog.models import ProductOffering
from core.db import db
from core.errors import ValidationError
from crm.models import Customer
from orders.capture import ItemRequest, OrderRequest
from orders.models import CancelProductOrder, ProductOrder, ProductOrderItem
from web.api.tmf.ids import parse_id
from web.api.tmf.payload import (
    at,
    customer_party,
    get_datetime,
    get_int,
    get_list,
    get_obj,
    get_objects,
    get_str,
    local_ref,
    ref_id,
)
from web.api.tmf.render import compact
from web.api.tmf620_catalog.api import offering_ref
from web.api.tmf622_ordering.api import API
from web.api.tmf629_customer.api import customer_ref
from web.api.tmf637_inventory.api import product_ref
from web.api.tmf666_account.api import account_ref

MAX_KEY = 150
# Attributes of a RelatedParty and a Note kept as sent (TMF strings); others are dropped.
PARTY_KEYS = ("id", "href", "name", "role", "@referredType", "@type")
NOTE_KEYS = ("id", "author", "date", "text", "@type")


def _kept(item: dict, keys: tuple[str, ...]) -> dict[str, str]:
    return {key: get_str(item, key, max_length=500) for key in keys if item.get(key) is not None}


def _party(party: dict, index: int) -> dict[str, str]:
    """A party kept as sent (one we may not know): its string attributes, the id checked."""
    with at(f"relatedParty[{index}]"):
        ident = ref_id(party, "id")
        return _kept({**party, "id": ident}, PARTY_KEYS)


def _note(note: dict, index: int) -> dict[str, str]:
    with at(f"note[{index}]"):
        get_str(note, "text", required=True)
        return _kept(note, NOTE_KEYS)


def _channel(body: dict) -> str:
    """The channel the customer used: ``channel[0]``'s name, else its id; ``api`` when none."""
    channels = get_objects(body, "channel")
    if not channels:
        return "api"
    with at("channel[0]"):
        return get_str(channels[0], "name", max_length=40) or get_str(channels[0], "id", max_length=40) or "api"


def _customer(body: dict) -> tuple[int | None, tuple[dict, ...]]:
    parties = [_party(p, index) for index, p in enumerate(get_objects(body, "relatedParty"))]
    chosen = customer_party(parties)
    customer_id = None
    if chosen is not None:
        ident = parse_id(ref_id(chosen, "relatedParty"), Customer.id)
        if ident is not None and db.session.get(Customer, ident) is not None:
            customer_id = ident
    return customer_id, tuple(parties)


def _billing_account(body: dict) -> int | None:
    ref = get_obj(body, "billingAccount")
    if ref is None:
        return None
    ident = local_ref(ref, "billingAccount", BillingAccount.id, "billing account")
    if db.session.get(BillingAccount, ident) is None:
        raise ValidationError(f"there is no billing account {ident}", field="billingAccount")
    return ident


def _characteristics(product: dict, index: int) -> dict[str, str]:
    found = {}
    for item in get_objects(product, "productCharacteristic"):
        name = str(item.get("name", "")).strip().upper()
        value = item.get("value")
        if name in ("MSISDN", "ICCID"):
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if value is not None and not isinstance(value, str):
                raise ValidationError(f"{name} must be a string",
                                      field=f"productOrderItem[{index}].product.productCharacteristic")
            found[name] = (value or "").strip()
    return found


def _item(raw: dict, index: int) -> ItemRequest:
    field = f"productOrderItem[{index}]"
    ref = raw.get("id")
    ref = str(index + 1) if ref in (None, "") else str(ref)
    if len(ref) > 40:
        raise ValidationError("is longer than 40 characters", field=f"{field}.id")
    action = get_str(raw, "action", required=True)
    offering = get_obj(raw, "productOffering")
    offering_ref = ref_id(offering, f"{field}.productOffering") if offering else None
    offering_id = parse_id(offering_ref, ProductOffering.id)
    if offering_id is not None and db.session.get(ProductOffering, offering_id) is None:
        offering_id = None
    product = get_obj(raw, "product") or {}
    product_ref = ref_id(product, f"{field}.product") if product.get("id") or product.get("href") else None
    found = _characteristics(product, index)
    status = get_str(product, "status")
    target = None
    if status is not None:
        target = {"suspended": "suspended", "active": "active"}.get(status.strip().lower())
        if target is None:
            raise ValidationError("an order sets a product status of suspended or active", field=f"{field}.product")
    if found.get("MSISDN") == "":
        raise ValidationError("MSISDN must not be empty", field=f"{field}.product.productCharacteristic")
    return ItemRequest(ref=ref, action=action, offering_id=offering_id,
                       offering_ref=None if offering_id else offering_ref,
                       subscription_id=parse_id(product_ref, Subscription.id), product_ref=product_ref,
                       msisdn=found.get("MSISDN"),
                       iccid=found.get("ICCID") if action != "add" or found.get("ICCID") else None,
                       target_status=target, quantity=get_int(raw, "quantity", default=1, minimum=1, maximum=100))


def order_request(body: dict) -> OrderRequest:
    """Read a ``ProductOrder_Create`` body (and the ``Idempotency-Key`` header)."""
    items = get_list(body, "productOrderItem", required=True)
    if not items:
        raise ValidationError("an order needs at least one item", field="productOrderItem")
    parsed = [_item(raw, index) if isinstance(raw, dict) else _not_object(index) for index, raw in enumerate(items)]
    customer_id, parties = _customer(body)
    channel = _channel(body)
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > MAX_KEY:
        raise ValidationError(f"Idempotency-Key is longer than {MAX_KEY} characters", field="Idempotency-Key")
    notes = tuple(_note(n, index) for index, n in enumerate(get_objects(body, "note")))
    return OrderRequest(
        items=tuple(parsed), customer_id=customer_id, billing_account_id=_billing_account(body),
        related_party=parties, external_id=get_str(body, "externalId", max_length=100), idempotency_key=key,
        channel=channel, description=get_str(body, "description", max_length=500),
        category=get_str(body, "category", max_length=60), priority=get_str(body, "priority", max_length=10),
        notes=notes, requested_start_date=get_datetime(body, "requestedStartDate"),
        requested_completion_date=get_datetime(body, "requestedCompletionDate"))


def _not_object(index: int):
    raise ValidationError("must be an object", field=f"productOrderItem[{index}]")


def _item_tmf(item: ProductOrderItem) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.item_ref, "action": item.action, "state": item.state,
                           "quantity": item.quantity, "@type": "ProductOrderItem"}
    if item.offering_id is not None:
        out["productOffering"] = offering_ref(item.offering_id)
    elif item.offering_ref:
        out["productOffering"] = {"id": item.offering_ref, "@referredType": "ProductOffering"}
    characteristics = [{"name": name, "valueType": "string", "value": value}
                       for name, value in (("MSISDN", item.msisdn or item.requested.get("msisdn")),
                                           ("ICCID", item.iccid or item.requested.get("iccid") or None))
                       if value]
    product: dict[str, Any] = {}
    if item.subscription_id is not None:
        product = product_ref(item.subscription_id)
    elif item.product_ref:
        product = {"id": item.product_ref, "@referredType": "Product"}
    if item.requested.get("status"):
        product["status"] = item.requested["status"]
    if characteristics:
        product["productCharacteristic"] = characteristics
    if product:
        out["product"] = product
    return compact(out)


def order_tmf(order: ProductOrder) -> dict[str, Any]:
    if order.customer_id is not None:
        parties = [customer_ref(order.customer_id)]
    else:
        # @referredType is mandatory in a TMF RelatedParty; a client may have left it out.
        parties = [{**p, "@referredType": p.get("@referredType") or _referred_type(p)} for p in order.related_party]
    account = db.session.get(BillingAccount, order.billing_account_id) if order.billing_account_id else None
    return compact({
        "externalId": order.external_id,
        "state": order.state,
        "stateReason": order.state_reason,
        "orderDate": order.order_date,
        "requestedStartDate": order.requested_start_date,
        "requestedCompletionDate": order.requested_completion_date,
        "completionDate": order.completion_date,
        "cancellationDate": order.cancellation_date,
        "cancellationReason": order.cancellation_reason,
        "description": order.description,
        "category": order.category,
        "priority": order.priority,
        "channel": [{"id": order.channel, "name": order.channel, "@type": "ChannelRef"}] if order.channel else None,
        "note": order.notes or None,
        "billingAccount": account_ref(account) if account else None,
        "relatedParty": parties,
        "productOrderItem": [_item_tmf(item) for item in order.items],
        "@type": "ProductOrder",
    })


def _referred_type(party: dict) -> str:
    return "Customer" if str(party.get("role", "")).lower() == "customer" else "Party"


def cancel_tmf(cancel: CancelProductOrder) -> dict[str, Any]:
    return compact({
        "state": cancel.state,
        "cancellationReason": cancel.reason,
        "requestedCancellationDate": cancel.requested_cancellation_date,
        "effectiveCancellationDate": cancel.effective_cancellation_date,
        "productOrder": API.reference("productOrder", cancel.order_id, "ProductOrder"),
        "@type": "CancelProductOrder",
    })
