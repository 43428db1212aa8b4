"""The TMF637 resource: ``product``, a line's lifecycle walked through ``billing.subscriptions``."""
from __future__ import annotations

import sqlalchemy as sa

from billing import subscriptions as service
from billing.models import BillingAccount, Subscription
from core.db import db
from core.errors import ValidationError
from core.msisdn import normalise
from web import context
from web.api.auth import caller
from web.api.tmf.filters import by_id
from web.api.tmf.payload import get_obj, get_str, ref_id
from web.api.tmf.resource import model_resource
from web.api.tmf637_inventory.api import API
from web.api.tmf637_inventory.mapping import (
    TMF_STATUS,
    account_for,
    characteristics_from,
    offering_id_from,
    status_from,
    to_tmf,
)


def create(body: dict) -> Subscription:
    status = status_from(body) or "pending"
    if status not in ("pending", "active"):
        raise ValidationError("a new product starts created, pendingActive or active", field="status")
    found = characteristics_from(body)
    if not found.get("MSISDN"):
        raise ValidationError("a characteristic named MSISDN is required", field="productCharacteristic")
    account = account_for(body)
    return service.create_subscription(
        db.session, context.clock(), context.events(), account=account, msisdn=found["MSISDN"],
        offering_id=offering_id_from(body, required=True), default_region=context.settings().default_region,
        iccid=found.get("ICCID"), imsi=found.get("IMSI"), activate=status == "active", source=caller())


def update(subscription: Subscription, body: dict) -> Subscription:
    offering_id = offering_id_from(body, required=False)
    if offering_id is not None and offering_id != subscription.offering_id:
        raise ValidationError("a plan change is a product order, not a change of the product",
                              field="productOffering")
    account = get_obj(body, "billingAccount")
    if account is not None and ref_id(account, "billingAccount") != str(subscription.billing_account_id):
        raise ValidationError("moving a line to another account is a product order", field="billingAccount")
    found = characteristics_from(body)
    region = context.settings().default_region
    if "MSISDN" in found and normalise(found["MSISDN"] or "", region) != subscription.msisdn:
        raise ValidationError("the MSISDN of a line cannot change; order a number change",
                              field="productCharacteristic")
    if "ICCID" in found or "IMSI" in found:
        service.change_sim(db.session, subscription, iccid=found.get("ICCID", subscription.iccid),
                           imsi=found.get("IMSI", subscription.imsi))
    status = status_from(body)
    if status is not None:
        service.change_status(db.session, context.clock(), context.events(), subscription, status,
                              reason=get_str(body, "statusReason"), source=caller())
    return subscription


def delete(subscription: Subscription) -> None:
    service.delete_subscription(db.session, subscription)


def _status_filter(value: str):
    # Filters match the names shown; "created" and "cancelled" are only words clients may send.
    shown = {tmf: status for status, tmf in TMF_STATUS.items()}
    statuses = [shown[v.strip()] for v in value.split(",") if v.strip() in shown]
    return Subscription.status.in_(statuses) if statuses else sa.false()


def _customer_filter(value: str):
    accounts = sa.select(BillingAccount.id).where(by_id(BillingAccount.customer_id)(value))
    return Subscription.billing_account_id.in_(accounts)


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


API.add(model_resource(
    Subscription,
    name="product",
    type_name="Product",
    to_tmf=to_tmf,
    create=create,
    update=update,
    delete=delete,
    filters={
        "status": _status_filter,
        "billingAccount.id": by_id(Subscription.billing_account_id),
        "productOffering.id": by_id(Subscription.offering_id),
        "relatedParty.id": _customer_filter,
        "productCharacteristic.value": _characteristic_filter,
    },
    description="Subscriptions (lines): an MSISDN on a plan, billed to an account.",
))
