"""Charges on postpaid accounts that wait for the next bill: fees, recurring charges, usage."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import CHARGE_KINDS, BillingAccount, Charge
from core.clock import Clock
from core.errors import Conflict, ValidationError
from core.events import EventBus
from core.money import HALF_UP, quantize, to_decimal


def add_charge(session: Session, clock: Clock, events: EventBus, *, account: BillingAccount, kind: str,
               amount: Decimal | str | int, description: str, subscription_id: int | None = None,
               price_id: int | None = None, reference: str | None = None, period_start: dt.datetime | None = None,
               period_end: dt.datetime | None = None, rounding: str = HALF_UP) -> Charge:
    """Record money owed (negative for a credit), rounded to the account's currency."""
    if kind not in CHARGE_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(CHARGE_KINDS)}", field="kind")
    if isinstance(amount, float):
        raise TypeError("charges refuse float amounts; pass a Decimal")
    if not description or not description.strip():
        raise ValidationError("a charge needs a description", field="description")
    if account.state == "Closed":
        raise Conflict(f"billing account {account.id} is closed")
    value = quantize(to_decimal(amount), account.currency, rounding)
    charge = Charge(billing_account_id=account.id, subscription_id=subscription_id, kind=kind,
                    description=description.strip()[:200], amount=value, currency=account.currency,
                    period_start=period_start, period_end=period_end, price_id=price_id, reference=reference,
                    status="unbilled", created_at=clock.now())
    session.add(charge)
    session.flush()
    events.publish("charge.added", charge_id=charge.id, account_id=account.id, amount=value,
                   currency=account.currency, kind=kind, reference=reference)
    return charge


def cancel_charge(session: Session, charge: Charge) -> Charge:
    """Withdraw a charge that has not been billed yet (an order rolled back)."""
    if charge.status == "billed":
        raise Conflict(f"charge {charge.id} is on a bill already; credit it with an adjustment instead")
    charge.status = "cancelled"
    session.flush()
    return charge


def unbilled_charges(session: Session, account_id: int) -> list[Charge]:
    return list(session.scalars(sa.select(Charge).where(Charge.billing_account_id == account_id,
                                                        Charge.status == "unbilled").order_by(Charge.id)))
