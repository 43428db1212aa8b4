"""TMF637 ``product`` JSON <-> a subscription (``billing.subscriptions``).

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

from billing.accounts import accounts_of_customer
from billing.models import BillingAccount, Subscription
from catalog.models import ProductOffering
from core.db import db
from core.errors import ValidationError
from crm.models import Customer
from web.api.tmf.ids import parse_id
from web.api.tmf.payload import get_obj, get_objects, get_str, local_ref, ref_id
from web.api.tmf620_catalog.api import offering_ref
from web.api.tmf629_customer.api import customer_ref
from web.api.tmf666_account.api import account_ref

TMF_STATUS = {"pending": "pendingActive", "active": "active", "suspended": "suspended", "terminated": "terminated"}
# What clients may send; TMF637's other statuses (pendingTerminate, aborted) have no meaning here.
STATUS_FROM_TMF = {"created": "pending", "pendingactive": "pending", "active": "active",
                   "suspended": "suspended", "terminated": "terminated", "cancelled": "terminated"}
CHARACTERISTICS = ("MSISDN", "ICCID", "IMSI")


def status_from(body: dict) -> str | None:
    """Our status for the TMF ``status`` sent, None when none is; 400 for one we do not know."""
    value = get_str(body, "status")
    if value is None:
        return None
    status = STATUS_FROM_TMF.get(value.strip().lower())
    if status is None:
        raise ValidationError(f"unsupported status {value!r}; use one of created, pendingActive, active, "
                              "suspended, terminated, cancelled", field="status")
    return status


def characteristics_from(body: dict) -> dict[str, Any]:
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
        "productOffering": offering_ref(subscription.offering_id),
        "billingAccount": account_ref(account),
        "relatedParty": [customer_ref(account.customer_id)],
        "@type": "Product",
    }
    return {k: v for k, v in body.items() if v is not None}


def account_for(body: dict) -> BillingAccount:
    """The billing account a new line goes on: the one referenced, else the customer's only open one."""
    ref = get_obj(body, "billingAccount")
    parties = get_objects(body, "relatedParty")
    customers = [ref_id(p, "relatedParty") for p in parties if str(p.get("role", "customer")).lower() == "customer"]
    if ref is None:
        # A client naming only the customer: use the account if the customer has exactly one open.
        ids = [ident for ident in (parse_id(c, Customer.id) for c in customers) if ident is not None]
        open_accounts = [a for c in ids for a in accounts_of_customer(db.session, c) if a.state != "Closed"]
        if len(open_accounts) != 1:
            raise ValidationError("is required (the customer does not have exactly one open account)",
                                  field="billingAccount")
        return open_accounts[0]
    ident = local_ref(ref, "billingAccount", BillingAccount.id, "billing account")
    account = db.session.get(BillingAccount, ident)
    if account is None:  # a bad reference in the body, not an unknown URL: 400, not 404
        raise ValidationError(f"there is no billing account {ident}", field="billingAccount")
    if customers and str(account.customer_id) not in customers:
        raise ValidationError(f"billing account {account.id} does not belong to customer {customers[0]}",
                              field="relatedParty")
    return account


def offering_id_from(body: dict, *, required: bool) -> int | None:
    ref = get_obj(body, "productOffering", required=required)
    if ref is None:
        return None
    return local_ref(ref, "productOffering", ProductOffering.id, "product offering")
