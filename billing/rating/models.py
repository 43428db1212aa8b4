"""Rated usage, rating errors and rating runs (the audit trail of batch runs and rerates).

``usage_id`` is ``usage_record.id`` in mediation; it is a plain indexed integer rather than a
foreign key so billing's tables stand without mediation's (and rating can be tested alone).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, ExactDecimal, UTCDateTime

RUN_KINDS = ("batch", "realtime", "rerate")
RATED_STATES = ("rated", "reversed")


class RatingRun(Base):
    __tablename__ = "rating_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    source: Mapped[str] = mapped_column(sa.String(100))  # "mediation", "cli", "api", ...
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # rerate window, account
    records: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    reversed: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RatedUsage(Base):
    """One usage record priced: how, for how much, and where the money and units came from.

    ``amount`` is the money price of the units buckets did not cover, rounded per record to
    the currency's minor unit by the tariff's rule; it splits exactly into
    ``balance_debited + postpaid_charged + shortfall`` (shortfall: what a prepaid balance could
    not cover under the overdraft policy, flagged ``insufficient_balance``).
    """

    __tablename__ = "rated_usage"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed for TMF635, which shows reversed ratings too; every other index costs throughput.
    usage_id: Mapped[int] = mapped_column(sa.BigInteger(), index=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("rating_run.id"))
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("subscription.id"), index=True)
    billing_account_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_account.id"))
    msisdn: Mapped[str] = mapped_column(sa.String(16))
    service: Mapped[str] = mapped_column(sa.String(5))
    direction: Mapped[str] = mapped_column(sa.String(3))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    other_party: Mapped[str | None] = mapped_column(sa.String(32))
    roaming: Mapped[bool] = mapped_column(default=False)
    visited_network: Mapped[str | None] = mapped_column(sa.String(8))
    quantity: Mapped[int] = mapped_column(sa.BigInteger())  # seconds, messages or bytes as used
    billed_units: Mapped[int] = mapped_column(sa.BigInteger())  # after charging increments
    bucket_units: Mapped[int] = mapped_column(sa.BigInteger(), default=0)
    tariff_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tariff_version.id"))
    rate_id: Mapped[int | None] = mapped_column()
    zone: Mapped[str] = mapped_column(sa.String(40))
    band: Mapped[str | None] = mapped_column(sa.String(20))
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    balance_debited: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    postpaid_charged: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    shortfall: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    flag: Mapped[str | None] = mapped_column(sa.String(30))
    # [[bucket_id, units], ...] in the order consumed.
    buckets: Mapped[list[list[int]]] = mapped_column(sa.JSON, default=list)
    charge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("charge.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default="rated")
    reversed_by_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rating_run.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("status IN ('rated', 'reversed')", name="status"),
        # A usage record is charged once: only one live rating per record.
        sa.Index("uq_rated_usage_live", "usage_id", unique=True,
                 postgresql_where=sa.text("status = 'rated'"), sqlite_where=sa.text("status = 'rated'")),
    )


class RatingError(Base):
    """A usage record rating could not price, with the reason, kept for re-rating.

    ``usage`` holds the event as received so ``flask rating rerate`` can try it again after
    the tariff or subscription is fixed; ``status`` becomes ``resolved`` once it is rated.
    """

    __tablename__ = "rating_error"

    id: Mapped[int] = mapped_column(primary_key=True)
    usage_id: Mapped[int] = mapped_column(sa.BigInteger(), index=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("rating_run.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(30), index=True)
    message: Mapped[str] = mapped_column(sa.String(300))
    msisdn: Mapped[str] = mapped_column(sa.String(32))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    billing_account_id: Mapped[int | None] = mapped_column()
    usage: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConsumptionQuery(Base):
    """A TMF677 usage consumption query and its answer as it stood at ``created_at``."""

    __tablename__ = "usage_consumption_query"

    id: Mapped[int] = mapped_column(primary_key=True)
    criteria: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    lines: Mapped[list[int]] = mapped_column(sa.JSON)  # subscription ids answered
    report: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
