"""Issuing vouchers: a batch of new cards, each PIN shown once to be printed."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from billing.vouchers.models import Voucher
from billing.vouchers.pins import new_pin, pin_digest
from core.clock import Clock
from core.errors import ValidationError
from core.money import quantize, to_decimal

MAX_BATCH = 100_000


@dataclass(frozen=True)
class NewVoucher:
    serial: str
    pin: str  # shown once, to print on the card
    value: Decimal
    currency: str
    expires_at: dt.datetime


def generate_vouchers(session: Session, clock: Clock, *, secret: str, count: int, value, currency: str,
                      valid_days: int = 365, batch: str | None = None) -> list[NewVoucher]:
    """Make ``count`` vouchers of ``value``; returns their PINs, which are not kept anywhere."""
    if not 0 < count <= MAX_BATCH:
        raise ValidationError("count must be between 1 and 100000", field="count")
    amount = quantize(to_decimal(value, field="value"), currency)
    if amount <= 0:
        raise ValidationError("a voucher must be worth more than zero", field="value")
    now = clock.now()
    expires = now + dt.timedelta(days=valid_days)
    made: list[NewVoucher] = []
    for _ in range(count):
        pin = new_pin()
        serial = "V" + secrets.token_hex(6).upper()
        session.add(Voucher(serial=serial, pin_digest=pin_digest(secret, pin), value=amount, currency=currency,
                            batch=batch, status="active", created_at=now, expires_at=expires))
        made.append(NewVoucher(serial, pin, amount, currency, expires))
    session.flush()
    return made
