"""Billing models: accounts, their prepaid balance and its log, subscriptions and their history.

Customers and catalog offerings belong to other packages; they are referenced by table name
only (``ForeignKey("customer.id")``) so billing never imports the CRM above it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, ExactDecimal, UTCDateTime

PAYMENT_TYPES = ("prepaid", "postpaid")

# TMF666 account states. "Defined" is an account not yet in use; "Closed" is final.
ACCOUNT_STATES = ("Defined", "Active", "Suspended", "Closed")

SUBSCRIPTION_STATUSES = ("pending", "active", "suspended", "terminated")

# Bill cycle days stop at 28 so every month has the day.
MAX_BILL_CYCLE_DAY = 28


class BillingAccount(Base):
    __tablename__ = "billing_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    payment_type: Mapped[str] = mapped_column(sa.String(10))
    currency: Mapped[str] = mapped_column(sa.String(3))
    bill_cycle_day: Mapped[int | None] = mapped_column()
    credit_limit: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    state: Mapped[str] = mapped_column(sa.String(20), default="Active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("payment_type IN ('prepaid', 'postpaid')", name="payment_type"),
        sa.CheckConstraint("state IN ('Defined', 'Active', 'Suspended', 'Closed')", name="state"),
        sa.CheckConstraint(f"bill_cycle_day IS NULL OR bill_cycle_day BETWEEN 1 AND {MAX_BILL_CYCLE_DAY}",
                           name="bill_cycle_day"),
    )

    @property
    def is_prepaid(self) -> bool:
        return self.payment_type == "prepaid"


class Balance(Base):
    """The prepaid money of one account.

    A row of its own rather than a column on ``billing_account``: rating locks exactly this
    row (``SELECT ... FOR UPDATE``) on every charge, so agents editing the account never wait
    on traffic, and unit buckets (minutes, MB, SMS) can sit beside it as rows of their own.
    """

    __tablename__ = "balance"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_account_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_account.id"), unique=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class BalanceTransaction(Base):
    """One change of a balance and why: the log that explains every balance, entry by entry."""

    __tablename__ = "balance_transaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    balance_id: Mapped[int] = mapped_column(sa.ForeignKey("balance.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())  # signed: credits positive, debits negative
    balance_after: Mapped[Decimal] = mapped_column(ExactDecimal())
    reason: Mapped[str] = mapped_column(sa.String(40))  # topup, usage, adjustment, refund, ...
    reference: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Subscription(Base):
    """A line: an MSISDN on a plan, billed to an account (a TMF637 product)."""

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_account_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_account.id"), index=True)
    msisdn: Mapped[str] = mapped_column(sa.String(16), index=True)
    offering_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering.id"), index=True)
    # The exact terms sold; the offering may get new versions later without changing this line.
    offering_version_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering_version.id"))
    iccid: Mapped[str | None] = mapped_column(sa.String(22))
    imsi: Mapped[str | None] = mapped_column(sa.String(15))
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    activated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    terminated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'active', 'suspended', 'terminated')", name="status"),
        # A number belongs to one live line; once terminated it may be sold again.
        sa.Index("uq_subscription_live_msisdn", "msisdn", unique=True,
                 postgresql_where=sa.text("status <> 'terminated'"),
                 sqlite_where=sa.text("status <> 'terminated'")),
    )


class SubscriptionStatusChange(Base):
    """History of a subscription's status, from its creation (``from_status`` None) on."""

    __tablename__ = "subscription_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("subscription.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str] = mapped_column(sa.String(12))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(100))  # who or what: "api", "agent:12", "dunning"
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


BUCKET_SERVICES = ("voice", "sms", "data")
# Buckets count in the units rating charges in: seconds, messages, bytes.
BUCKET_UNITS = {"voice": "second", "sms": "message", "data": "byte"}


class Bucket(Base):
    """Units a line may still use: a plan's monthly allowance or a bundle bought, with expiry.

    Quantities are whole base units (seconds, messages, bytes) so consumption never rounds.
    ``scope`` narrows where the units apply (e.g. "national", "onnet", "roaming"; None means
    anywhere); rating consumes the most specific bucket first, then the one expiring first.
    """

    __tablename__ = "bucket"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("subscription.id"), index=True)
    service: Mapped[str] = mapped_column(sa.String(5))
    unit: Mapped[str] = mapped_column(sa.String(8))
    initial: Mapped[int] = mapped_column(sa.BigInteger())
    remaining: Mapped[int] = mapped_column(sa.BigInteger())
    scope: Mapped[str | None] = mapped_column(sa.String(20))
    priority: Mapped[int] = mapped_column(default=100)  # lower is used first among equals
    valid_from: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Where the units came from: the offering version (plan allowance or bundle) and the order.
    offering_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_offering_version.id"))
    source: Mapped[str] = mapped_column(sa.String(20))  # "plan", "bundle", "adjustment", "promotion"
    reference: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # When the customer was told the bucket is about to expire (told once).
    expiry_notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("service IN ('voice', 'sms', 'data')", name="service"),
        sa.CheckConstraint("status IN ('active', 'revoked')", name="status"),
        sa.CheckConstraint("remaining >= 0 AND remaining <= initial", name="remaining"),
        sa.Index("ix_bucket_live", "subscription_id", "service", "status"),
    )


CHARGE_KINDS = ("oneTime", "recurring", "usage", "adjustment")


class Charge(Base):
    """Money owed on a postpaid account, waiting for the next bill run.

    Every line of a future invoice is one of these, with its reference (order, rated record,
    price) so the bill can be traced back to why it was charged.
    """

    __tablename__ = "charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_account_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_account.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscription.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    description: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())  # negative for credits
    currency: Mapped[str] = mapped_column(sa.String(3))
    period_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    period_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    price_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_offering_price.id"))
    reference: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="unbilled")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("kind IN ('oneTime', 'recurring', 'usage', 'adjustment')", name="kind"),
        sa.CheckConstraint("status IN ('unbilled', 'billed', 'cancelled')", name="status"),
    )
