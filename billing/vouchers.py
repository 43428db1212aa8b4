"""Voucher top-ups: generate batches, redeem a PIN onto a prepaid balance exactly once.

Why a keyed HMAC and not argon2 for the PIN: a customer types only the PIN (``*123*PIN#``),
so the row must be found *by* the PIN. A salted slow hash cannot be searched; it would need
the serial too, or a scan of every voucher with one argon2 per row. HMAC-SHA256 under a
server-side secret (``VOUCHER_SECRET``, from the environment only) is a deterministic,
indexed lookup, and a stolen database alone does not let anyone brute-force the 14-digit
PINs offline: without the key, the digests are useless.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.balances import credit_balance
from billing.models import BillingAccount
from billing.models_vouchers import Voucher, VoucherAttempt
from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from core.events import EventBus
from core.money import quantize, to_decimal

PIN_LENGTH = 14
MIN_PIN_LENGTH = 10  # what a typed string must have before it is even looked up
# PIN guessing: after this many refused redemptions within the window, an account may not try
# again until the oldest of them leaves the window. 10^14 PINs against 5 tries an hour.
MAX_REFUSALS = 5
REFUSAL_WINDOW = dt.timedelta(hours=1)


class VoucherLocked(Conflict):
    """Too many refused redemptions lately; ``retry_at`` is when the account may try again."""

    def __init__(self, retry_at: dt.datetime):
        super().__init__("too many wrong voucher PINs; try again later", field="pin", code="voucher_locked")
        self.retry_at = retry_at


def pin_digest(secret: str, pin: str) -> str:
    if not secret:
        raise ValidationError("VOUCHER_SECRET is not set; vouchers cannot be generated or redeemed",
                              code="voucher_secret_missing")
    return hmac.new(secret.encode(), pin.encode(), hashlib.sha256).hexdigest()


def clean_pin(raw: str) -> str:
    """The digits of a PIN as people type it (spaces and dashes from the card are dropped)."""
    pin = "".join(ch for ch in str(raw or "") if ch not in " -")
    if not pin.isdigit() or not MIN_PIN_LENGTH <= len(pin) <= 20:
        raise ValidationError("a voucher PIN is 10 to 20 digits", field="pin", code="invalid_pin")
    return pin


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
    if not 0 < count <= 100_000:
        raise ValidationError("count must be between 1 and 100000", field="count")
    amount = quantize(to_decimal(value, field="value"), currency)
    if amount <= 0:
        raise ValidationError("a voucher must be worth more than zero", field="value")
    now = clock.now()
    expires = now + dt.timedelta(days=valid_days)
    made: list[NewVoucher] = []
    for _ in range(count):
        pin = "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))
        serial = "V" + secrets.token_hex(6).upper()
        session.add(Voucher(serial=serial, pin_digest=pin_digest(secret, pin), value=amount, currency=currency,
                            batch=batch, status="active", created_at=now, expires_at=expires))
        made.append(NewVoucher(serial, pin, amount, currency, expires))
    session.flush()
    return made


def redeem_voucher(session: Session, clock: Clock, events: EventBus, *, secret: str, pin: str,
                   account: BillingAccount, msisdn: str | None = None) -> Voucher:
    """Credit the voucher's value to a prepaid account and burn the voucher.

    Unknown PINs are NotFound; used, void or expired ones are Conflicts with a code saying
    which. The status flips with a conditional UPDATE, so two redemptions racing for one PIN
    cannot both succeed. Every refusal is recorded (the caller commits it with the answer);
    after ``MAX_REFUSALS`` within ``REFUSAL_WINDOW`` the account is refused with
    ``voucher_locked`` until the window has moved on, whatever PIN it sends.
    """
    now = clock.now()
    locked_until = _locked_until(session, account.id, now)
    if locked_until is not None:
        raise VoucherLocked(locked_until)
    try:
        return _redeem(session, clock, events, secret=secret, pin=pin, account=account, msisdn=msisdn, now=now)
    except (NotFound, Conflict) as refusal:
        # A PIN typed wrong is a refusal; so is a real PIN that is used, expired or void: each
        # tells a guesser something, so each counts.
        session.add(VoucherAttempt(billing_account_id=account.id, msisdn=msisdn, outcome=refusal.code[:30],
                                   attempted_at=now))
        session.flush()
        raise


def _locked_until(session: Session, account_id: int, now: dt.datetime) -> dt.datetime | None:
    """When the account may try again, if it is locked out now."""
    recent = list(session.scalars(
        sa.select(VoucherAttempt.attempted_at)
        .where(VoucherAttempt.billing_account_id == account_id, VoucherAttempt.attempted_at > now - REFUSAL_WINDOW)
        .order_by(VoucherAttempt.attempted_at.desc()).limit(MAX_REFUSALS)))
    if len(recent) < MAX_REFUSALS:
        return None
    return recent[-1] + REFUSAL_WINDOW


def _redeem(session: Session, clock: Clock, events: EventBus, *, secret: str, pin: str, account: BillingAccount,
            msisdn: str | None, now: dt.datetime) -> Voucher:
    digest = pin_digest(secret, clean_pin(pin))
    voucher = session.scalar(sa.select(Voucher).where(Voucher.pin_digest == digest))
    if voucher is None:
        raise NotFound("no voucher has this PIN", field="pin", code="voucher_unknown")
    if voucher.status == "redeemed":
        raise Conflict("this voucher has already been used", field="pin", code="voucher_used")
    if voucher.status == "void":
        raise Conflict("this voucher has been cancelled", field="pin", code="voucher_void")
    if voucher.expires_at <= now:
        raise Conflict("this voucher has expired", field="pin", code="voucher_expired")
    if voucher.currency != account.currency:
        raise Conflict(f"this voucher is in {voucher.currency}, the account in {account.currency}",
                       field="pin", code="voucher_currency")
    claimed = session.execute(
        sa.update(Voucher).where(Voucher.id == voucher.id, Voucher.status == "active")
        .values(status="redeemed", redeemed_at=now, redeemed_account_id=account.id, redeemed_msisdn=msisdn)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Conflict("this voucher has already been used", field="pin", code="voucher_used")
    entry = credit_balance(session, clock, events, account=account, amount=voucher.value, reason="topup",
                           reference=f"voucher:{voucher.serial}")
    session.execute(sa.update(Voucher).where(Voucher.id == voucher.id)
                    .values(balance_transaction_id=entry.id).execution_options(synchronize_session=False))
    session.refresh(voucher)
    events.publish("voucher.redeemed", voucher_id=voucher.id, serial=voucher.serial, account_id=account.id,
                   customer_id=account.customer_id, amount=voucher.value, currency=voucher.currency, msisdn=msisdn)
    return voucher
