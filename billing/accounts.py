"""Billing accounts: who pays, how (prepaid or postpaid), in which currency, on which cycle."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import (
    ACCOUNT_STATES,
    MAX_BILL_CYCLE_DAY,
    PAYMENT_TYPES,
    Balance,
    BalanceTransaction,
    BillingAccount,
    Subscription,
)
from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from core.events import EventBus
from core.money import minor_units, quantize, to_decimal

UNSET: Any = object()  # "leave as it is", distinct from None ("clear it")

# Closed is final; a suspended account can be resumed; Defined is the state before first use.
ACCOUNT_TRANSITIONS = {
    "Defined": {"Active", "Closed"},
    "Active": {"Suspended", "Closed"},
    "Suspended": {"Active", "Closed"},
    "Closed": set(),
}


def _customer_exists(session: Session, customer_id: int) -> bool:
    # By table name: the CRM sits above billing, so its model cannot be imported here.
    customer = sa.table("customer", sa.column("id"))
    return session.execute(sa.select(customer.c.id).where(customer.c.id == customer_id)).first() is not None


def _check_currency(currency: str) -> str:
    if not isinstance(currency, str) or len(currency.strip()) != 3:
        raise ValidationError(f"currency must be an ISO 4217 code, not {currency!r}", field="currency")
    currency = currency.strip().upper()
    minor_units(currency)
    return currency


def _check_bill_cycle_day(day: int) -> int:
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= MAX_BILL_CYCLE_DAY:
        raise ValidationError(f"bill cycle day must be a whole number from 1 to {MAX_BILL_CYCLE_DAY}, not {day!r}",
                              field="bill_cycle_day")
    return day


def _check_credit_limit(limit: Any, currency: str) -> Decimal:
    if isinstance(limit, float):
        raise ValidationError("credit limit must be a decimal, not a float", field="credit_limit")
    amount = to_decimal(limit, field="credit_limit")
    if amount < 0:
        raise ValidationError("credit limit cannot be negative", field="credit_limit")
    if quantize(amount, currency) != amount:
        raise ValidationError(f"credit limit has more decimals than {currency} allows", field="credit_limit")
    return amount


def create_account(session: Session, clock: Clock, events: EventBus, *, customer_id: int, payment_type: str,
                   default_currency: str, name: str | None = None, currency: str | None = None,
                   bill_cycle_day: int | None = None, credit_limit: Any = None,
                   state: str = "Active") -> BillingAccount:
    """Open an account for a customer.

    ``default_currency`` is the operator's configured currency, used when ``currency`` is not
    given. Postpaid accounts bill on ``bill_cycle_day`` (default 1); prepaid accounts get an
    empty balance and take neither a bill cycle nor a credit limit.
    """
    if payment_type not in PAYMENT_TYPES:
        raise ValidationError(f"payment type must be prepaid or postpaid, not {payment_type!r}",
                              field="payment_type")
    if not _customer_exists(session, customer_id):
        raise ValidationError(f"there is no customer {customer_id}", field="customer")
    currency = _check_currency(currency or default_currency)
    if state not in ("Defined", "Active"):
        raise ValidationError("a new account starts Defined or Active", field="state")
    if payment_type == "prepaid":
        if bill_cycle_day is not None:
            raise ValidationError("prepaid accounts have no bill cycle", field="bill_cycle_day")
        if credit_limit is not None:
            raise ValidationError("prepaid accounts have no credit limit", field="credit_limit")
    else:
        bill_cycle_day = _check_bill_cycle_day(1 if bill_cycle_day is None else bill_cycle_day)
        if credit_limit is not None:
            credit_limit = _check_credit_limit(credit_limit, currency)
    name = (name or "").strip() or f"{payment_type.capitalize()} account"
    now = clock.now()
    account = BillingAccount(customer_id=customer_id, name=name[:200], payment_type=payment_type,
                             currency=currency, bill_cycle_day=bill_cycle_day, credit_limit=credit_limit,
                             state=state, created_at=now, updated_at=now)
    session.add(account)
    session.flush()
    if account.is_prepaid:
        session.add(Balance(billing_account_id=account.id, currency=currency, amount=Decimal(0), updated_at=now))
        session.flush()
    events.publish("billing_account.created", account_id=account.id, customer_id=customer_id,
                   payment_type=payment_type, currency=currency)
    return account


def get_account(session: Session, account_id: int) -> BillingAccount:
    account = session.get(BillingAccount, account_id)
    if account is None:
        raise NotFound(f"there is no billing account {account_id}", field="billing_account")
    return account


def accounts_of_customer(session: Session, customer_id: int) -> list[BillingAccount]:
    return list(session.scalars(sa.select(BillingAccount).where(BillingAccount.customer_id == customer_id)
                                .order_by(BillingAccount.id)))


def update_account(session: Session, clock: Clock, events: EventBus, account: BillingAccount, *,
                   name: Any = UNSET, bill_cycle_day: Any = UNSET, credit_limit: Any = UNSET,
                   payment_type: Any = UNSET, currency: Any = UNSET, customer_id: Any = UNSET,
                   state: Any = UNSET, reason: str | None = None) -> BillingAccount:
    """Change what may change on an account; ``UNSET`` leaves a value as it is.

    Payment type, currency and owner are fixed once opened (balances, invoices and lines
    depend on them): passing a different value is a Conflict, the same value is accepted.
    """
    if account.state == "Closed" and any(
            value is not UNSET and value != current for value, current in (
                (name, account.name), (bill_cycle_day, account.bill_cycle_day),
                (credit_limit, account.credit_limit), (state, account.state))):
        raise Conflict(f"billing account {account.id} is closed and cannot be changed")
    for field, value, current in (("payment_type", payment_type, account.payment_type),
                                  ("currency", currency, account.currency),
                                  ("customer", customer_id, account.customer_id)):
        if value is not UNSET and value is not None and str(value).upper() != str(current).upper():
            raise Conflict(f"the {field.replace('_', ' ')} of an account cannot change; open a new account",
                           field=field)
    if name is not UNSET:
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("name must not be empty", field="name")
        account.name = name.strip()[:200]
    if bill_cycle_day is not UNSET and bill_cycle_day != account.bill_cycle_day:
        if account.is_prepaid:
            raise ValidationError("prepaid accounts have no bill cycle", field="bill_cycle_day")
        account.bill_cycle_day = _check_bill_cycle_day(bill_cycle_day)
    if credit_limit is not UNSET:
        if account.is_prepaid and credit_limit is not None:
            raise ValidationError("prepaid accounts have no credit limit", field="credit_limit")
        account.credit_limit = None if credit_limit is None else _check_credit_limit(credit_limit, account.currency)
    if state is not UNSET and state != account.state:
        set_account_state(session, clock, events, account, state, reason=reason)
    account.updated_at = clock.now()
    session.flush()
    return account


def set_account_state(session: Session, clock: Clock, events: EventBus, account: BillingAccount, state: str, *,
                      reason: str | None = None) -> BillingAccount:
    """Move an account through Defined, Active, Suspended, Closed.

    Closing needs every subscription of the account terminated first, so no live line is
    left without anyone to bill.
    """
    if state not in ACCOUNT_STATES:
        raise ValidationError(f"state must be one of {', '.join(ACCOUNT_STATES)}, not {state!r}", field="state")
    if state == account.state:
        return account
    if state not in ACCOUNT_TRANSITIONS[account.state]:
        raise Conflict(f"billing account {account.id} cannot go from {account.state} to {state}", field="state")
    if state == "Closed":
        live = session.scalar(sa.select(sa.func.count()).select_from(Subscription).where(
            Subscription.billing_account_id == account.id, Subscription.status != "terminated"))
        if live:
            raise Conflict(f"billing account {account.id} still has {live} subscription(s) not terminated; "
                           "terminate them before closing the account", field="state")
    previous, account.state = account.state, state
    account.updated_at = clock.now()
    session.flush()
    events.publish("billing_account.state_changed", account_id=account.id, customer_id=account.customer_id,
                   from_state=previous, to_state=state, reason=reason)
    return account


def delete_account(session: Session, account: BillingAccount) -> None:
    """Erase an account opened by mistake. Anything with history (a line, a balance movement)
    must be closed instead, so that invoices and logs keep their account."""
    used = session.scalar(sa.select(sa.func.count()).select_from(Subscription)
                          .where(Subscription.billing_account_id == account.id))
    moved = session.scalar(sa.select(sa.func.count()).select_from(BalanceTransaction).join(Balance)
                           .where(Balance.billing_account_id == account.id))
    if used or moved:
        raise Conflict(f"billing account {account.id} has subscriptions or balance history; "
                       "close it (state Closed) instead of deleting it")
    session.execute(sa.delete(Balance).where(Balance.billing_account_id == account.id))
    session.delete(account)
    session.flush()
