"""Product Inventory (TMF637) API: ``product`` is a subscription (``billing.subscriptions``).

- ``status``: pending shows as ``pendingActive``; ``created`` and ``pendingActive`` both mean
  pending on input, ``cancelled`` means terminated (only a pending line can be cancelled that
  way, as the lifecycle allows). A PATCH of ``status`` walks the lifecycle through the service.
- The MSISDN, ICCID and IMSI travel as ``productCharacteristic`` named ``MSISDN``, ``ICCID``
  and ``IMSI``.
- The plan is ``productOffering``; changing it, the account or the MSISDN is a product order,
  not a PATCH here (400 with that reason).
- DELETE erases only a line that was never active; any other answers 409: terminate it.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g

from billing import subscriptions as service
from billing.accounts import accounts_of_customer
from billing.models import BillingAccount, Subscription
from catalog.models import ProductOffering
from core.db import db
from core.errors import ValidationError
from core.msisdn import normalise
from web import context
from web.api import catalog
from web.api.account import account_ref, customer_ref
from web.api.filters import MAX_ID, by_id
from web.api.payload import get_obj, get_objects, get_str, ref_id
from web.api.tmf import Resource, TmfApi

API = TmfApi(
    "productInventory",
    title="Product Inventory (TMF637)",
    spec_file="TMF637-ProductInventory-v4.0.0.swagger.json",
)

TMF_STATUS = {"pending": "pendingActive", "active": "active", "suspended": "suspended", "terminated": "terminated"}
# What clients may send; TMF637's other statuses (pendingTerminate, aborted) have no meaning here.
STATUS_FROM_TMF = {"created": "pending", "pendingactive": "pending", "active": "active",
                   "suspended": "suspended", "terminated": "terminated", "cancelled": "terminated"}
CHARACTERISTICS = ("MSISDN", "ICCID", "IMSI")


def _source() -> str:
    return f"api:{g.get('api_key_name', 'anonymous')}"


def _status(body: dict) -> str | None:
    value = get_str(body, "status")
    if value is None:
        return None
    status = STATUS_FROM_TMF.get(value.strip().lower())
    if status is None:
        raise ValidationError(f"unsupported status {value!r}; use one of created, pendingActive, active, "
                              "suspended, terminated, cancelled", field="status")
    return status


def _characteristics(body: dict) -> dict[str, Any]:
    """MSISDN/ICCID/IMSI from ``productCharacteristic``, by name regardless of case."""
    found: dict[str, Any] = {}
    for index, item in enumerate(get_objects(body, "productCharacteristic")):
        name = str(item.get("name", "")).strip().upper()
        if name not in CHARACTERISTICS:
            continue
        value = item.get("value")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # some clients send numbers as JSON numbers
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"{name} must be a string, not {type(value).__name__}",
                                  field=f"productCharacteristic[{index}].value")
        found[name] = value
    return found


def to_tmf(subscription: Subscription) -> dict:
    account = db.session.get(BillingAccount, subscription.billing_account_id)
    offering = db.session.get(ProductOffering, subscription.offering_id)
    characteristics = [{"name": "MSISDN", "valueType": "string", "value": subscription.msisdn}]
    if subscription.iccid:
        characteristics.append({"name": "ICCID", "valueType": "string", "value": subscription.iccid})
    if subscription.imsi:
        characteristics.append({"name": "IMSI", "valueType": "string", "value": subscription.imsi})
    body: dict[str, Any] = {
        "name": f"{offering.name} {subscription.msisdn}" if offering else subscription.msisdn,
        "isBundle": False,
        "isCustomerVisible": True,
        "status": TMF_STATUS[subscription.status],
        "orderDate": subscription.created_at,
        "startDate": subscription.activated_at,
        "terminationDate": subscription.terminated_at,
        "productCharacteristic": characteristics,
        "productOffering": {"id": str(subscription.offering_id),
                            "href": catalog.API.href("productOffering", str(subscription.offering_id)),
                            "name": offering.name if offering else None, "@referredType": "ProductOffering"},
        "billingAccount": account_ref(account),
        "relatedParty": [customer_ref(account.customer_id)],
        "@type": "Product",
    }
    return {k: v for k, v in body.items() if v is not None}


def _account_for(body: dict) -> BillingAccount:
    ref = get_obj(body, "billingAccount")
    parties = get_objects(body, "relatedParty")
    customers = [ref_id(p, "relatedParty") for p in parties if str(p.get("role", "customer")).lower() == "customer"]
    if ref is None:
        # A client naming only the customer: use the account if the customer has exactly one open.
        open_accounts = [a for c in customers if c.isdigit() for a in accounts_of_customer(db.session, int(c))
                         if a.state != "Closed"]
        if len(open_accounts) != 1:
            raise ValidationError("is required (the customer does not have exactly one open account)",
                                  field="billingAccount")
        return open_accounts[0]
    ident = ref_id(ref, "billingAccount")
    account = db.session.get(BillingAccount, int(ident)) if ident.isdigit() and int(ident) <= MAX_ID else None
    if account is None:  # a bad reference in the body, not an unknown URL: 400, not 404
        raise ValidationError(f"there is no billing account {ident}", field="billingAccount")
    if customers and str(account.customer_id) not in customers:
        raise ValidationError(f"billing account {account.id} does not belong to customer {customers[0]}",
                              field="relatedParty")
    return account


def _offering_id(body: dict, *, required: bool) -> int | None:
    ref = get_obj(body, "productOffering", required=required)
    if ref is None:
        return None
    ident = ref_id(ref, "productOffering")
    if not ident.isdigit():
        raise ValidationError(f"there is no product offering {ident}", field="productOffering")
    return int(ident)


def _create(body: dict) -> Subscription:
    status = _status(body) or "pending"
    if status not in ("pending", "active"):
        raise ValidationError("a new product starts created, pendingActive or active", field="status")
    found = _characteristics(body)
    if not found.get("MSISDN"):
        raise ValidationError("a characteristic named MSISDN is required", field="productCharacteristic")
    account = _account_for(body)
    return service.create_subscription(
        db.session, context.clock(), context.events(), account=account, msisdn=found["MSISDN"],
        offering_id=_offering_id(body, required=True), default_region=context.settings().default_region,
        iccid=found.get("ICCID"), imsi=found.get("IMSI"), activate=status == "active", source=_source())


def _update(subscription: Subscription, body: dict) -> Subscription:
    offering_id = _offering_id(body, required=False)
    if offering_id is not None and offering_id != subscription.offering_id:
        raise ValidationError("a plan change is a product order, not a change of the product",
                              field="productOffering")
    account = get_obj(body, "billingAccount")
    if account is not None and ref_id(account, "billingAccount") != str(subscription.billing_account_id):
        raise ValidationError("moving a line to another account is a product order", field="billingAccount")
    found = _characteristics(body)
    region = context.settings().default_region
    if "MSISDN" in found and normalise(found["MSISDN"] or "", region) != subscription.msisdn:
        raise ValidationError("the MSISDN of a line cannot change; order a number change",
                              field="productCharacteristic")
    if "ICCID" in found or "IMSI" in found:
        service.change_sim(db.session, subscription, iccid=found.get("ICCID", subscription.iccid),
                           imsi=found.get("IMSI", subscription.imsi))
    status = _status(body)
    if status is not None:
        service.change_status(db.session, context.clock(), context.events(), subscription, status,
                              reason=get_str(body, "statusReason"), source=_source())
    return subscription


def _delete(subscription: Subscription) -> None:
    service.delete_subscription(db.session, subscription)


def _load(ident: str) -> Subscription | None:
    return db.session.get(Subscription, int(ident)) if ident.isdigit() else None


def _status_filter(value: str):
    # Filters match the names shown; "created" and "cancelled" are only words clients may send.
    shown = {tmf: status for status, tmf in TMF_STATUS.items()}
    statuses = [shown[v.strip()] for v in value.split(",") if v.strip() in shown]
    return Subscription.status.in_(statuses) if statuses else sa.false()


def _customer_filter(value: str):
    ids = [int(v) for v in value.split(",") if v.strip().isdigit()]
    accounts = sa.select(BillingAccount.id).where(BillingAccount.customer_id.in_(ids))
    return Subscription.billing_account_id.in_(accounts) if ids else sa.false()


def _characteristic_filter(value: str):
    """``productCharacteristic.value``: an MSISDN in any form we read, an ICCID or an IMSI.

    A ``+`` left unencoded in a query string arrives as a space; E.164 survives either way."""
    conditions = []
    for raw in value.split(","):
        text = raw.strip()
        if not text:
            continue
        conditions += [Subscription.iccid == text, Subscription.imsi == text]
        try:
            conditions.append(Subscription.msisdn == normalise(text, context.settings().default_region))
        except ValidationError:
            pass
    return sa.or_(*conditions) if conditions else sa.false()


API.add(Resource(
    name="product",
    type_name="Product",
    query=lambda: sa.select(Subscription).order_by(Subscription.id),
    load=_load,
    to_tmf=to_tmf,
    create=_create,
    update=_update,
    delete=_delete,
    filters={
        "id": by_id(Subscription.id),
        "status": _status_filter,
        "billingAccount.id": by_id(Subscription.billing_account_id),
        "productOffering.id": by_id(Subscription.offering_id),
        "relatedParty.id": _customer_filter,
        "productCharacteristic.value": _characteristic_filter,
    },
    description="Subscriptions (lines): an MSISDN on a plan, billed to an account.",
))
