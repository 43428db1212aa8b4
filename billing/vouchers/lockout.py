"""PIN guessing: refused redemptions are recorded, and an account with too many of them
lately may not try again until the oldest leaves the window."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.vouchers.models import VoucherAttempt
from core.errors import Conflict

# 10^14 PINs against 5 tries an hour.
MAX_REFUSALS = 5
REFUSAL_WINDOW = dt.timedelta(hours=1)


class VoucherLocked(Conflict):
    """Too many refused redemptions lately; ``retry_at`` is when the account may try again."""

    def __init__(self, retry_at: dt.datetime):
        super().__init__("too many wrong voucher PINs; try again later", field="pin", code="voucher_locked")
        self.retry_at = retry_at


def locked_until(session: Session, account_id: int, now: dt.datetime) -> dt.datetime | None:
    """When the account may try again, if it is locked out now."""
    recent = list(session.scalars(
        sa.select(VoucherAttempt.attempted_at)
        .where(VoucherAttempt.billing_account_id == account_id, VoucherAttempt.attempted_at > now - REFUSAL_WINDOW)
        .order_by(VoucherAttempt.attempted_at.desc()).limit(MAX_REFUSALS)))
    if len(recent) < MAX_REFUSALS:
        return None
    return recent[-1] + REFUSAL_WINDOW


def record_refusal(session: Session, *, account_id: int, msisdn: str | None, code: str, now: dt.datetime) -> None:
    """Count one refused redemption against the account (flushed; the caller commits it)."""
    session.add(VoucherAttempt(billing_account_id=account_id, msisdn=msisdn, outcome=code[:30], attempted_at=now))
    session.flush()
