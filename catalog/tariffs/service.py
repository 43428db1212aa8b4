"""Building tariffs: versions, zones, prefix tables, bands, rates, holidays, plan links.

Every change to a version's content renews its ``stamp`` so rating recompiles it. Loading a
prefix table is one bulk insert (100,000 prefixes well under a second on either database).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog.tariffs.models import (
    PREFIX_PLANS,
    RATE_SERVICES,
    ROUNDING_MODES,
    ZONE_KINDS,
    Holiday,
    PlanTariff,
    Tariff,
    TariffBand,
    TariffPrefix,
    TariffRate,
    TariffVersion,
    TariffZone,
)
from catalog.tariffs.prefixes import MAX_DIGITS
from core.bulk import bulk_insert
from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError
from core.money import minor_units, to_decimal


def create_tariff(session: Session, clock: Clock, *, code: str, name: str, currency: str, timezone: str = "UTC",
                  holiday_calendar: str | None = None, rounding: str = "ROUND_HALF_UP") -> Tariff:
    minor_units(currency)
    if rounding not in ROUNDING_MODES:
        raise ValidationError(f"rounding must be one of {', '.join(ROUNDING_MODES)}", field="rounding")
    if session.scalar(sa.select(Tariff.id).where(Tariff.code == code)) is not None:
        raise Conflict(f"tariff {code} exists already")
    tariff = Tariff(code=code, name=name, currency=currency.upper(), timezone=timezone,
                    holiday_calendar=holiday_calendar, rounding=rounding, created_at=clock.now())
    session.add(tariff)
    session.flush()
    return tariff


def find_tariff(session: Session, code: str) -> Tariff | None:
    return session.scalar(sa.select(Tariff).where(Tariff.code == code))


def add_version(session: Session, clock: Clock, tariff: Tariff, *, effective_from: dt.datetime,
                note: str | None = None) -> TariffVersion:
    """A new version from ``effective_from``; the version open then is closed at that moment."""
    versions = list(session.scalars(sa.select(TariffVersion).where(TariffVersion.tariff_id == tariff.id)
                                    .order_by(TariffVersion.version)))
    if versions and effective_from <= versions[-1].effective_from:
        raise ValidationError("a new version must start after the latest one", field="effective_from")
    if versions:
        versions[-1].effective_to = effective_from
    now = clock.now()
    version = TariffVersion(tariff_id=tariff.id, version=(versions[-1].version + 1) if versions else 1,
                            effective_from=effective_from, note=note, created_at=now, updated_at=now,
                            stamp=uuid.uuid4().hex)
    session.add(version)
    session.flush()
    return version


def version_at(session: Session, tariff_id: int, at: dt.datetime) -> TariffVersion | None:
    """The version of a tariff in effect at ``at``."""
    return session.scalar(sa.select(TariffVersion).where(
        TariffVersion.tariff_id == tariff_id, TariffVersion.effective_from <= at,
        sa.or_(TariffVersion.effective_to.is_(None), TariffVersion.effective_to > at))
        .order_by(TariffVersion.version.desc()).limit(1))


def versions_of(session: Session, tariff_id: int) -> list[TariffVersion]:
    return list(session.scalars(sa.select(TariffVersion).where(TariffVersion.tariff_id == tariff_id)
                                .order_by(TariffVersion.version)))


def touch(clock: Clock, version: TariffVersion) -> None:
    """Mark a version changed, so compiled copies are rebuilt."""
    version.updated_at = clock.now()
    version.stamp = uuid.uuid4().hex


def add_zone(session: Session, clock: Clock, version: TariffVersion, *, code: str, name: str, kind: str
             ) -> TariffZone:
    if kind not in ZONE_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(ZONE_KINDS)}", field="kind")
    zone = TariffZone(version_id=version.id, code=code, name=name, kind=kind)
    session.add(zone)
    touch(clock, version)
    session.flush()
    return zone


def load_prefixes(session: Session, clock: Clock, version: TariffVersion, rows: Iterable[tuple[str, str]], *,
                  plan: str = "number") -> int:
    """Bulk-load ``(prefix, zone_code)`` pairs; returns how many. Zones must exist."""
    if plan not in PREFIX_PLANS:
        raise ValidationError(f"plan must be one of {', '.join(PREFIX_PLANS)}", field="plan")
    zones = set(session.scalars(sa.select(TariffZone.code).where(TariffZone.version_id == version.id)))
    seen: set[str] = set()
    batch: list[tuple] = []
    version_id = version.id
    for line, (prefix, zone) in enumerate(rows, start=1):
        prefix = prefix.strip().lstrip("+")
        if not prefix.isdigit() or len(prefix) > MAX_DIGITS:
            raise ValidationError(f"row {line}: prefix {prefix!r} must be 1 to {MAX_DIGITS} digits", field="prefix")
        if zone not in zones:
            raise ValidationError(f"row {line}: no zone {zone!r} in this tariff version", field="zone")
        if prefix in seen:
            raise ValidationError(f"row {line}: prefix {prefix} appears twice", field="prefix")
        seen.add(prefix)
        batch.append((version_id, plan, prefix, zone))
    session.flush()
    total = bulk_insert(session, TariffPrefix.__table__, ("version_id", "plan", "prefix", "zone_code"), batch)
    touch(clock, version)
    session.flush()
    return total


def load_prefixes_csv(session: Session, clock: Clock, version: TariffVersion, text: str, *,
                      plan: str = "number") -> int:
    """``prefix,zone`` lines (a header line starting with "prefix" is skipped)."""
    reader = csv.reader(io.StringIO(text))
    rows = ((r[0], r[1].strip()) for r in reader if r and not r[0].lower().startswith("prefix"))
    return load_prefixes(session, clock, version, rows, plan=plan)


def add_band(session: Session, clock: Clock, version: TariffVersion, *, code: str, name: str | None = None,
             days: str = "1234567", start: str = "00:00", end: str = "24:00", holidays: bool = False,
             priority: int = 100) -> TariffBand:
    """A time band over local ``start``..``end`` ("07:00".."20:00") on ISO weekdays ``days``."""
    if not days or any(d not in "1234567" for d in days):
        raise ValidationError("days are ISO weekday digits 1 (Monday) to 7", field="days")
    band = TariffBand(version_id=version.id, code=code, name=name or code, days=days,
                      start_minute=_minute(start, "start"), end_minute=_minute(end, "end"), holidays=holidays,
                      priority=priority)
    if band.start_minute >= band.end_minute:
        raise ValidationError("a band must end after it starts", field="end")
    session.add(band)
    touch(clock, version)
    session.flush()
    return band


def _minute(text: str, field: str) -> int:
    try:
        hours, minutes = (int(part) for part in text.split(":"))
    except ValueError:
        raise ValidationError(f"{text!r} is not HH:MM", field=field) from None
    value = hours * 60 + minutes
    if not 0 <= minutes < 60 or not 0 <= value <= 1440:
        raise ValidationError(f"{text!r} is not a time of day", field=field)
    return value


def add_rate(session: Session, clock: Clock, version: TariffVersion, *, service: str, zone: str, price,
             unit_size: int = 1, increments: tuple[int, int] = (1, 1), connect_fee=0, minimum_charge=0,
             band: str | None = None) -> TariffRate:
    """A rate: ``price`` per ``unit_size`` base units (seconds, messages, bytes)."""
    if service not in RATE_SERVICES:
        raise ValidationError(f"service must be one of {', '.join(RATE_SERVICES)}", field="service")
    if session.scalar(sa.select(TariffZone.id).where(TariffZone.version_id == version.id,
                                                      TariffZone.code == zone)) is None:
        raise ValidationError(f"no zone {zone!r} in this tariff version", field="zone")
    first, step = increments
    if unit_size <= 0 or first <= 0 or step <= 0:
        raise ValidationError("unit size and increments must be positive", field="increments")
    amounts = {name: to_decimal(value, field=name) for name, value in
               (("price", price), ("connect_fee", connect_fee), ("minimum_charge", minimum_charge))}
    for name, value in amounts.items():
        if value < 0 or value != value.quantize(Decimal("0.000001")):
            raise ValidationError("must be non-negative with at most 6 decimals", field=name)
    rate = TariffRate(version_id=version.id, service=service, zone_code=zone, band_code=band,
                      unit_size=unit_size, first_increment=first, next_increment=step, **amounts)
    session.add(rate)
    touch(clock, version)
    session.flush()
    return rate


def add_holiday(session: Session, clock: Clock, *, calendar: str, day: dt.date, name: str) -> Holiday:
    """A public holiday; versions of tariffs on that calendar are marked changed."""
    holiday = Holiday(calendar=calendar, day=day, name=name)
    session.add(holiday)
    for version in session.scalars(sa.select(TariffVersion).join(Tariff, Tariff.id == TariffVersion.tariff_id)
                                   .where(Tariff.holiday_calendar == calendar)):
        touch(clock, version)
    session.flush()
    return holiday


def link_plan(session: Session, offering_id: int, tariff: Tariff) -> PlanTariff:
    """Rate a plan's usage with ``tariff`` (replacing any tariff it had)."""
    link = session.scalar(sa.select(PlanTariff).where(PlanTariff.offering_id == offering_id))
    if link is None:
        link = PlanTariff(offering_id=offering_id, tariff_id=tariff.id)
        session.add(link)
    else:
        link.tariff_id = tariff.id
    session.flush()
    return link


def tariff_ids_of_plans(session: Session, offering_ids: Iterable[int]) -> dict[int, int]:
    """``offering_id -> tariff_id`` for the plans that have a tariff."""
    ids = list(set(offering_ids))
    if not ids:
        return {}
    return dict(session.execute(sa.select(PlanTariff.offering_id, PlanTariff.tariff_id)
                                .where(PlanTariff.offering_id.in_(ids))).tuples().all())


def require_tariff(session: Session, tariff_id: int) -> Tariff:
    tariff = session.get(Tariff, tariff_id)
    if tariff is None:
        raise NotFound(f"no tariff {tariff_id}")
    return tariff
