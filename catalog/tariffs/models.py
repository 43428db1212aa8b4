"""Tariff tables. A tariff belongs to plans through ``plan_tariff``; its terms live in
versions, effective over ``[effective_from, effective_to)``, so rating picks the version valid
at a record's start time and a correction is a new version (or a fixed one, then a rerate).
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, ExactDecimal, UTCDateTime

# What a destination is; bucket scopes name sets of these (see ``SCOPE_KINDS``).
ZONE_KINDS = ("onnet", "offnet", "national", "mobile", "international", "premium", "tollfree", "roaming")
# Which zone kinds a bucket scope covers. A bucket without scope covers every kind.
SCOPE_KINDS: dict[str, frozenset[str]] = {
    "onnet": frozenset({"onnet"}),
    "national": frozenset({"onnet", "offnet", "national", "mobile", "tollfree"}),
    "local": frozenset({"onnet", "offnet", "national", "mobile", "tollfree"}),
    "international": frozenset({"international"}),
    "roaming": frozenset({"roaming"}),
}
# ``number`` prefixes match the other party's digits; ``network`` prefixes match the visited
# network (MCC+MNC) of a roaming record and decide its roaming zone.
PREFIX_PLANS = ("number", "network")
RATE_SERVICES = ("voice", "sms", "data")
# Rounding of each rated record to the currency's minor unit, named as ``decimal`` names them.
ROUNDING_MODES = ("ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_UP", "ROUND_DOWN")


class Tariff(Base):
    __tablename__ = "tariff"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    currency: Mapped[str] = mapped_column(sa.String(3))
    # Time bands are read in the operator's local time; holidays come from this calendar.
    timezone: Mapped[str] = mapped_column(sa.String(60), default="UTC")
    holiday_calendar: Mapped[str | None] = mapped_column(sa.String(40))
    rounding: Mapped[str] = mapped_column(sa.String(20), default="ROUND_HALF_UP")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("rounding IN ('ROUND_HALF_UP', 'ROUND_HALF_EVEN', 'ROUND_UP', 'ROUND_DOWN')",
                           name="rounding"),
    )


class TariffVersion(Base):
    __tablename__ = "tariff_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(sa.ForeignKey("tariff.id"), index=True)
    version: Mapped[int] = mapped_column()
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    effective_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Bumped by every change to the version's zones, prefixes, bands or rates, so compiled
    # copies cached by rating are rebuilt after a correction.
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    stamp: Mapped[str] = mapped_column(sa.String(32), default=lambda: uuid.uuid4().hex)

    __table_args__ = (sa.UniqueConstraint("tariff_id", "version", name="uq_tariff_version_number"),)


class TariffZone(Base):
    __tablename__ = "tariff_zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("tariff_version.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))

    __table_args__ = (
        sa.UniqueConstraint("version_id", "code", name="uq_tariff_zone_code"),
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in ZONE_KINDS)})", name="kind"),
    )


class TariffPrefix(Base):
    __tablename__ = "tariff_prefix"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("tariff_version.id", ondelete="CASCADE"))
    plan: Mapped[str] = mapped_column(sa.String(8), default="number")
    prefix: Mapped[str] = mapped_column(sa.String(18))  # digits only, no "+"
    zone_code: Mapped[str] = mapped_column(sa.String(40))

    __table_args__ = (
        sa.UniqueConstraint("version_id", "plan", "prefix", name="uq_tariff_prefix_digits"),
        sa.CheckConstraint("plan IN ('number', 'network')", name="plan"),
    )


class TariffBand(Base):
    """A time band: ISO weekdays (``"12345"``) and local minutes ``[start_minute, end_minute)``.

    Where bands overlap the lowest ``priority`` wins; a band with ``holidays`` set applies all
    day on the tariff calendar's public holidays, whatever the weekday.
    """

    __tablename__ = "tariff_band"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("tariff_version.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(100))
    days: Mapped[str] = mapped_column(sa.String(7), default="1234567")
    start_minute: Mapped[int] = mapped_column(default=0)
    end_minute: Mapped[int] = mapped_column(default=1440)
    holidays: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[int] = mapped_column(default=100)

    __table_args__ = (
        sa.CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
                           name="minutes"),
    )


class Holiday(Base):
    """A public holiday of a calendar (``"KE"``), as a local date."""

    __tablename__ = "public_holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar: Mapped[str] = mapped_column(sa.String(40))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    name: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (sa.UniqueConstraint("calendar", "day", name="uq_public_holiday_calendar_day"),)


class TariffRate(Base):
    """The price of one service to one zone in one band (``band_code`` None: any band).

    ``price`` is per ``unit_size`` base units (60 seconds for a per-minute rate, 1 message,
    1,048,576 bytes for a per-MB rate). Usage is first rounded up to the charging increments:
    the first ``first_increment`` units, then steps of ``next_increment`` (voice 60/60, 30/6,
    1/1; data per 10 KB is 10240/10240). The connect fee is added and the minimum charge
    applied to records that have units left to pay after buckets.
    """

    __tablename__ = "tariff_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("tariff_version.id", ondelete="CASCADE"), index=True)
    service: Mapped[str] = mapped_column(sa.String(5))
    zone_code: Mapped[str] = mapped_column(sa.String(40))
    band_code: Mapped[str | None] = mapped_column(sa.String(20))
    price: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit_size: Mapped[int] = mapped_column(sa.BigInteger(), default=1)
    first_increment: Mapped[int] = mapped_column(default=1)
    next_increment: Mapped[int] = mapped_column(default=1)
    connect_fee: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    minimum_charge: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))

    __table_args__ = (
        sa.CheckConstraint("service IN ('voice', 'sms', 'data')", name="service"),
        sa.CheckConstraint("unit_size > 0 AND first_increment > 0 AND next_increment > 0", name="units"),
        sa.CheckConstraint("price >= 0 AND connect_fee >= 0 AND minimum_charge >= 0", name="amounts"),
    )


class PlanTariff(Base):
    """Which tariff rates a plan's usage: one tariff per offering (plan)."""

    __tablename__ = "plan_tariff"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering.id"), unique=True)
    tariff_id: Mapped[int] = mapped_column(sa.ForeignKey("tariff.id"), index=True)
