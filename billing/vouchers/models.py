"""Prepaid vouchers (scratch cards): a secret PIN worth a value until it expires, used once."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, ExactDecimal, UTCDateTime

VOUCHER_STATUSES = ("active", "redeemed", "void")


class Voucher(Base):
    """One voucher. The PIN itself is never stored, only its keyed digest (see ``billing.vouchers.pins``).

    The serial is printed on the card next to the PIN and is not secret: it lets agents talk
    about a card without reading its PIN out. Redemption is recorded on the row itself, since
    a voucher is used at most once.
    """

    __tablename__ = "voucher"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(20), unique=True)
    pin_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    value: Mapped[Decimal] = mapped_column(ExactDecimal())
    currency: Mapped[str] = mapped_column(sa.String(3))
    batch: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    redeemed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    redeemed_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_account.id"))
    redeemed_msisdn: Mapped[str | None] = mapped_column(sa.String(16))
    balance_transaction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("balance_transaction.id"))

    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'redeemed', 'void')", name="status"),
        sa.CheckConstraint("value > 0", name="value"),
    )


class VoucherAttempt(Base):
    """A refused voucher redemption (unknown PIN, used, expired, ...), kept to stop PIN guessing:
    an account with too many recent refusals is locked out for a while (``billing.vouchers.lockout``)."""

    __tablename__ = "voucher_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_account_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_account.id"))
    msisdn: Mapped[str | None] = mapped_column(sa.String(16))
    outcome: Mapped[str] = mapped_column(sa.String(30))  # the refusal's error code
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (sa.Index("ix_voucher_attempt_account_time", "billing_account_id", "attempted_at"),)
