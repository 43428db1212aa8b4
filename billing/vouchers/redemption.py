"""Redeeming a voucher: its value onto a prepaid balance, exactly once."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.balances import credit_balance
from billing.models import BillingAccount
from billing.vouchers.lockout import VoucherLocked, locked_until, record_refusal
from billing.vouchers.models import Voucher
from billing.vouchers.pins import clean_pin, pin_digest
from core.clock import Clock
from core.errors import Conflict, NotFound
from core.events import EventBus


def redeem_voucher(session: Session, clock: Clock, events: EventBus, *, secret: str, pin: str,
                   account: BillingAccount, msisdn: str | None = None) -> Voucher:
    """Credit the voucher's value to a prepaid account and burn the voucher.

    Unknown PINs are NotFound; used, void or expired ones are Conflicts with a code saying
    which. The status flips with a conditional UPDATE, so two redemptions racing for one PIN
    cannot both succeed. Every refusal is recorded (the caller commits it with the answer);
    after ``lockout.MAX_REFUSALS`` within ``lockout.REFUSAL_WINDOW`` the account is refused
    with ``voucher_locked`` until the window has moved on, whatever PIN it sends.
    """
    now = clock.now()
    retry_at = locked_until(session, account.id, now)
    if retry_at is not None:
        raise VoucherLocked(retry_at)
    try:
        return _redeem(session, clock, events, secret=secret, pin=pin, account=account, msisdn=msisdn, now=now)
    except (NotFound, Conflict) as refusal:
        # A PIN typed wrong is a refusal; so is a real PIN that is used, expired or void: each
        # tells a guesser something, so each counts.
        record_refusal(session, account_id=account.id, msisdn=msisdn, code=refusal.code, now=now)
        raise


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
