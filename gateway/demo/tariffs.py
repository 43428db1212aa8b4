"""The demo operator's tariffs: Kenyan zones by prefix, peak/off-peak/weekend/holiday bands,
roaming in East Africa, one tariff per plan derived from the plan's usage prices.

Idempotent like the rest of the demo: a plan whose tariff exists is left alone.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog.models import ProductOffering
from catalog.tariffs import service as tariffs
from catalog.tariffs.models import Holiday, Tariff
from core.clock import Clock

# Safaricom-style on-net ranges, other Kenyan mobile networks, fixed lines, specials.
ZONES = (
    ("home", "Home network (data)", "onnet"),
    ("onnet", "On-net mobile", "onnet"),
    ("offnet", "Other Kenyan mobile", "offnet"),
    ("national", "Kenyan fixed lines", "national"),
    ("tollfree", "Toll-free", "tollfree"),
    ("premium", "Premium rate", "premium"),
    ("intl-ea", "East Africa", "international"),
    ("intl-world", "Rest of the world", "international"),
    ("roam-ea", "Roaming in East Africa", "roaming"),
    ("roam-world", "Roaming elsewhere", "roaming"),
)
NUMBER_PREFIXES = (
    ("25470", "onnet"), ("25471", "onnet"), ("25472", "onnet"), ("25479", "onnet"), ("254110", "onnet"),
    ("254111", "onnet"), ("25473", "offnet"), ("25478", "offnet"), ("25410", "offnet"), ("25475", "offnet"),
    ("25477", "offnet"), ("2542", "national"), ("2544", "national"), ("2545", "national"),
    ("254800", "tollfree"), ("254900", "premium"),
    ("255", "intl-ea"), ("256", "intl-ea"), ("250", "intl-ea"), ("257", "intl-ea"), ("211", "intl-ea"),
    ("1", "intl-world"), ("44", "intl-world"), ("49", "intl-world"), ("971", "intl-world"), ("86", "intl-world"),
    ("91", "intl-world"), ("27", "intl-world"),
)
# Visited networks by MCC (and MCC+MNC where a partner differs).
NETWORK_PREFIXES = (("641", "roam-ea"), ("640", "roam-ea"), ("635", "roam-ea"), ("2", "roam-world"),
                    ("3", "roam-world"), ("4", "roam-world"), ("5", "roam-world"), ("6", "roam-world"),
                    ("7", "roam-world"))
KE_HOLIDAYS = ((1, 1, "New Year's Day"), (5, 1, "Labour Day"), (6, 1, "Madaraka Day"), (10, 10, "Mazingira Day"),
               (10, 20, "Mashujaa Day"), (12, 12, "Jamhuri Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day"))
CALENDAR = "KE"
BYTES_PER_MB = 1024 * 1024


def seed_holidays(session: Session, clock: Clock, years: range) -> None:
    have = set(session.scalars(sa.select(Holiday.day).where(Holiday.calendar == CALENDAR)))
    for year in years:
        for month, day, name in KE_HOLIDAYS:
            if dt.date(year, month, day) not in have:
                tariffs.add_holiday(session, clock, calendar=CALENDAR, day=dt.date(year, month, day), name=name)


def standard_tariff(session: Session, clock: Clock, *, code: str, name: str, currency: str, per_minute: Decimal,
                    per_sms: Decimal, per_mb: Decimal, effective_from: dt.datetime, scale: Decimal = Decimal(1),
                    voice_increments: tuple[int, int] = (1, 1), timezone: str = "Africa/Nairobi") -> Tariff:
    """A tariff with the demo zones and bands: national calls at ``per_minute`` (off-peak 20%
    less, on-net 25% less), SMS at ``per_sms``, data at ``per_mb`` in 10 KB steps; international
    and roaming rates fixed in KES and scaled by ``scale``."""
    tariff = tariffs.create_tariff(session, clock, code=code, name=name, currency=currency, timezone=timezone,
                                   holiday_calendar=CALENDAR)
    version = tariffs.add_version(session, clock, tariff, effective_from=effective_from, note="demo tariff")
    for zone_code, zone_name, kind in ZONES:
        tariffs.add_zone(session, clock, version, code=zone_code, name=zone_name, kind=kind)
    tariffs.load_prefixes(session, clock, version, NUMBER_PREFIXES)
    tariffs.load_prefixes(session, clock, version, NETWORK_PREFIXES, plan="network")
    tariffs.add_band(session, clock, version, code="holiday", name="Public holiday", holidays=True, priority=10)
    tariffs.add_band(session, clock, version, code="weekend", name="Weekend", days="67", priority=20)
    tariffs.add_band(session, clock, version, code="peak", name="Peak", days="12345", start="07:00", end="20:00",
                     priority=50)
    tariffs.add_band(session, clock, version, code="offpeak", name="Off-peak", priority=100)

    def money(value: Decimal) -> Decimal:
        return (value * scale).quantize(Decimal("0.000001"))

    peak, cheap = money(per_minute), money(per_minute * Decimal("0.8"))
    for band, price in (("peak", peak), (None, cheap)):
        tariffs.add_rate(session, clock, version, service="voice", zone="offnet", band=band, price=price,
                         unit_size=60, increments=voice_increments)
        tariffs.add_rate(session, clock, version, service="voice", zone="national", band=band, price=price,
                         unit_size=60, increments=voice_increments)
        tariffs.add_rate(session, clock, version, service="voice", zone="onnet", band=band,
                         price=(price * Decimal("0.75")).quantize(Decimal("0.000001")), unit_size=60,
                         increments=voice_increments)
    tariffs.add_rate(session, clock, version, service="voice", zone="tollfree", price=0, unit_size=60)
    tariffs.add_rate(session, clock, version, service="voice", zone="premium", price=money(Decimal(50)),
                     unit_size=60, increments=(60, 60), connect_fee=money(Decimal(5)))
    tariffs.add_rate(session, clock, version, service="voice", zone="intl-ea", price=money(Decimal(10)),
                     unit_size=60, increments=(30, 6), minimum_charge=money(Decimal(3)))
    tariffs.add_rate(session, clock, version, service="voice", zone="intl-world", price=money(Decimal(25)),
                     unit_size=60, increments=(60, 60), connect_fee=money(Decimal(2)))
    for zone in ("onnet", "offnet", "national"):
        tariffs.add_rate(session, clock, version, service="sms", zone=zone, price=money(per_sms))
    for zone in ("intl-ea", "intl-world"):
        tariffs.add_rate(session, clock, version, service="sms", zone=zone, price=money(Decimal(10)))
    tariffs.add_rate(session, clock, version, service="data", zone="home", price=money(per_mb),
                     unit_size=BYTES_PER_MB, increments=(10240, 10240))
    for zone, voice, sms, data in (("roam-ea", Decimal(30), Decimal(15), Decimal(20)),
                                   ("roam-world", Decimal(150), Decimal(40), Decimal(500))):
        tariffs.add_rate(session, clock, version, service="voice", zone=zone, price=money(voice), unit_size=60,
                         increments=(60, 60))
        tariffs.add_rate(session, clock, version, service="sms", zone=zone, price=money(sms))
        tariffs.add_rate(session, clock, version, service="data", zone=zone, price=money(data),
                         unit_size=BYTES_PER_MB, increments=(1024, 1024))
    return tariff


def seed_tariffs(session: Session, clock: Clock, plans: dict[str, ProductOffering], usage: dict[str, tuple],
                 currency: str, scale: Decimal) -> int:
    """One tariff per plan from its usage prices (per minute, SMS, MB, as strings in KES);
    returns how many were made."""
    seed_holidays(session, clock, range(2025, 2029))
    made = 0
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for code, offering in plans.items():
        if code not in usage:
            continue
        tariff_code = f"TARIFF-{code}"
        tariff = tariffs.find_tariff(session, tariff_code)
        if tariff is None:
            per_minute, per_sms, per_mb = (Decimal(v) for v in usage[code])
            # Prepaid is billed per second; postpaid per minute after a first 30 seconds, in 6 s steps.
            increments = (1, 1) if offering.payment_type == "prepaid" else (30, 6)
            tariff = standard_tariff(session, clock, code=tariff_code, name=f"{offering.name} tariff",
                                     currency=currency, per_minute=per_minute, per_sms=per_sms, per_mb=per_mb,
                                     effective_from=start, scale=scale, voice_increments=increments)
            made += 1
        tariffs.link_plan(session, offering.id, tariff)
    return made
