"""TMF666 ``billingAccount`` JSON <-> ``billing.accounts``.

Mapping choices, where TMF666 leaves room:

- ``accountType`` carries the payment type, ``prepaid`` or ``postpaid`` (also readable and
  writable as ``paymentType``). Without either, an account with a bill cycle or credit limit is
  postpaid, else prepaid.
- The customer is the ``relatedParty`` with role ``customer`` (or the only party given).
- The bill cycle day is ``billStructure.cycleSpecification.billingDateShift`` read literally as
  the spec defines it, days after the start of the calendar month: shift 0 bills on the 1st,
  shift 4 on the 5th. ``billCycleDay`` (1..28) is accepted as a plain alternative.
- ``currency`` is an extension attribute; without it, ``creditLimit.unit``, then the
  operator's configured currency.
- A prepaid account's money balance is one ``accountBalance`` of ``balanceType`` ``prepaid``.
"""
from __future__ import annotations

from typing import Any

from billing import accounts as service
from billing.balances import balance_of
from billing.models import ACCOUNT_STATES, PAYMENT_TYPES, BillingAccount
from core.db import db
from core.errors import ValidationError
from core.money import quantize
from crm.models import Customer
from web.api.tmf.payload import customer_party, get_decimal, get_int, get_obj, get_objects, get_str, local_ref
from web.api.tmf629_customer.api import customer_ref


def _money(amount, currency: str) -> dict:
    # Stored with six decimals for rating; shown in the currency's minor units.
    return {"unit": currency, "value": quantize(amount, currency)}


def to_tmf(account: BillingAccount) -> dict:
    body: dict[str, Any] = {
        "name": account.name,
        "accountType": account.payment_type,
        "paymentType": account.payment_type,
        "currency": account.currency,
        "state": account.state,
        "lastModified": account.updated_at,
        "relatedParty": [customer_ref(account.customer_id)],
    }
    if account.bill_cycle_day is not None:
        body["billStructure"] = {"cycleSpecification": {
            "@type": "BillingCycleSpecification", "isRef": False, "name": f"Monthly on day {account.bill_cycle_day}",
            "frequency": "monthly", "billingPeriod": "month", "billingDateShift": account.bill_cycle_day - 1}}
    if account.credit_limit is not None:
        body["creditLimit"] = _money(account.credit_limit, account.currency)
    if account.is_prepaid:
        balance = balance_of(db.session, account)
        body["accountBalance"] = [{"@type": "AccountBalance", "balanceType": "prepaid",
                                   "amount": _money(balance.amount, account.currency),
                                   "validFor": {"startDateTime": account.created_at}}]
    body["@type"] = "BillingAccount"
    return body


# -- reading bodies ----------------------------------------------------------------------


def _customer_id(body: dict, *, required: bool) -> int | None:
    parties = get_objects(body, "relatedParty")
    if not parties:
        if required:
            raise ValidationError("a party with role customer is required", field="relatedParty")
        return None
    chosen = customer_party(parties)
    if chosen is None:
        raise ValidationError("no party with role customer", field="relatedParty")
    return local_ref(chosen, "relatedParty", Customer.id, "customer")


def _payment_type(body: dict) -> str | None:
    for field in ("paymentType", "accountType"):
        value = get_str(body, field)
        if value is not None and value.strip().lower() in PAYMENT_TYPES:
            return value.strip().lower()
        if value is not None and field == "paymentType":
            raise ValidationError("must be prepaid or postpaid", field=field)
    return None  # accountType is a free category in TMF666; other values say nothing of payment


def _bill_cycle_day(body: dict) -> Any:
    day = get_int(body, "billCycleDay")
    if day is not None:
        return day
    structure = get_obj(body, "billStructure")
    cycle = get_obj(structure, "cycleSpecification") if structure else None
    shift = get_int(cycle, "billingDateShift", minimum=0) if cycle else None
    return None if shift is None else shift + 1


def _state(body: dict) -> str | None:
    """The TMF666 state as we spell it (clients vary in case: "active", "ACTIVE")."""
    value = get_str(body, "state")
    if value is None:
        return None
    return next((state for state in ACCOUNT_STATES if state.lower() == value.strip().lower()), value)


def _credit_limit(body: dict, currency: str | None) -> tuple[Any, str | None]:
    """(amount or None, its unit or None); ``service.UNSET`` when the body does not mention it."""
    if "creditLimit" not in body:
        return service.UNSET, None
    limit = get_obj(body, "creditLimit")
    if limit is None:
        return None, None
    unit = get_str(limit, "unit")
    if unit and currency and unit.upper() != currency.upper():
        raise ValidationError(f"unit {unit} differs from the account currency {currency}", field="creditLimit")
    return get_decimal(limit, "value", required=True), unit


def new_account(body: dict) -> dict[str, Any]:
    """``service.create_account`` keyword arguments from a POST body (all but the operator's
    default currency)."""
    currency = get_str(body, "currency")
    credit_limit, unit = _credit_limit(body, currency)
    bill_cycle_day = _bill_cycle_day(body)
    payment_type = _payment_type(body) or (
        "postpaid" if bill_cycle_day is not None or credit_limit not in (None, service.UNSET) else "prepaid")
    return {"customer_id": _customer_id(body, required=True), "payment_type": payment_type,
            "name": get_str(body, "name"), "currency": currency or unit, "bill_cycle_day": bill_cycle_day,
            "credit_limit": None if credit_limit is service.UNSET else credit_limit,
            "state": _state(body) or "Active"}


def account_changes(account: BillingAccount, body: dict) -> dict[str, Any]:
    """``service.update_account`` keyword arguments from a PATCH body: only what it mentions."""
    credit_limit, _unit = _credit_limit(body, account.currency)
    bill_cycle_day = _bill_cycle_day(body)
    changes: dict[str, Any] = {"credit_limit": credit_limit}
    if "name" in body:
        changes["name"] = get_str(body, "name")
    if bill_cycle_day is not None:
        changes["bill_cycle_day"] = bill_cycle_day
    if (payment_type := _payment_type(body)) is not None:
        changes["payment_type"] = payment_type
    if (currency := get_str(body, "currency")) is not None:
        changes["currency"] = currency
    if (customer_id := _customer_id(body, required=False)) is not None:
        changes["customer_id"] = customer_id
    if (state := _state(body)) is not None:
        changes["state"] = state
    return changes
