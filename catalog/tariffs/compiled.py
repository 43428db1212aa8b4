"""One tariff version compiled into arrays: zones, prefix tables, band grid, rate matrix.

Rating compiles a version once per change (its ``stamp``) and keeps it in a small cache; batch rating then
prices whole arrays of records with integer arithmetic in micro-units (10**-6 of the currency),
and the real-time path prices one record with ``Decimal``. Both round each record to the
currency's minor unit with the tariff's rounding mode, and tests hold them equal.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog.tariffs.bands import NO_BAND, BandGrid, BandSpec
from catalog.tariffs.models import (
    RATE_SERVICES,
    Holiday,
    Tariff,
    TariffBand,
    TariffPrefix,
    TariffRate,
    TariffVersion,
    TariffZone,
)
from catalog.tariffs.prefixes import NO_MATCH, PrefixTable
from core.money import minor_units

if TYPE_CHECKING:
    import numpy as np

MICRO = 10**6
HOME_ZONE = "home"  # where data and other records without a destination are rated at home
NO_RATE = -1
_CACHE: dict[tuple[int, str], CompiledTariff] = {}
_CACHE_SIZE = 64


@dataclass(frozen=True)
class Rate:
    id: int
    service: str
    zone_code: str
    band_code: str | None
    price: Decimal
    unit_size: int
    first_increment: int
    next_increment: int
    connect_fee: Decimal
    minimum_charge: Decimal


class CompiledTariff:
    def __init__(self, tariff: Tariff, version: TariffVersion, zones: list[tuple[str, str]],
                 prefixes: list[tuple[str, str, str]], bands: BandGrid, rates: list[Rate]):
        import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
        self.tariff_id, self.tariff_code = tariff.id, tariff.code
        self.version_id, self.version, self.stamp = version.id, version.version, version.stamp
        self.currency, self.minor = tariff.currency, minor_units(tariff.currency)
        self.rounding = tariff.rounding
        self.zone_codes = [code for code, _ in zones]
        self.zone_kinds = [kind for _, kind in zones]
        position = {code: index for index, code in enumerate(self.zone_codes)}
        self.numbers = PrefixTable((p, position[z]) for plan, p, z in prefixes if plan == "number" and z in position)
        self.networks = PrefixTable((p, position[z]) for plan, p, z in prefixes if plan == "network" and z in position)
        self.home_zone = position.get(HOME_ZONE, next(
            (i for i, kind in enumerate(self.zone_kinds) if kind == "onnet"), NO_MATCH))
        self.bands = bands
        self.rates = rates
        band_count = len(bands.codes)
        # The last band slot is "no band covers this minute": only band-less rates apply there.
        self.rate_index = np.full((len(RATE_SERVICES), max(len(zones), 1), band_count + 1), NO_RATE, dtype=np.int32)
        for specific in (False, True):  # band-less rates first, then band rates override them
            for index, rate in enumerate(rates):
                if (rate.band_code is not None) != specific or rate.zone_code not in position:
                    continue
                service = RATE_SERVICES.index(rate.service)
                zone = position[rate.zone_code]
                if rate.band_code is None:
                    self.rate_index[service, zone, :] = index
                elif rate.band_code in bands.codes:
                    self.rate_index[service, zone, bands.codes.index(rate.band_code)] = index
        self.price_micro = np.array([int(r.price * MICRO) for r in rates] or [0], dtype=np.int64)
        self.connect_micro = np.array([int(r.connect_fee * MICRO) for r in rates] or [0], dtype=np.int64)
        self.minimum_micro = np.array([int(r.minimum_charge * MICRO) for r in rates] or [0], dtype=np.int64)
        self.unit_size = np.array([r.unit_size for r in rates] or [1], dtype=np.int64)
        self.first_increment = np.array([r.first_increment for r in rates] or [1], dtype=np.int64)
        self.next_increment = np.array([r.next_increment for r in rates] or [1], dtype=np.int64)

    # -- one record ----------------------------------------------------------------------

    def zone_for(self, *, roaming: bool, visited_network: str | None, other_party: str | None,
                 service: str) -> int:
        if roaming:
            return self.networks.match(visited_network)
        if service == "data" or not other_party:
            return self.home_zone
        return self.numbers.match(other_party)

    def band_for(self, moment: dt.datetime) -> int:
        return self.bands.band_at(moment)

    def rate_for(self, service: str, zone: int, band: int) -> int:
        if zone == NO_MATCH:
            return NO_RATE
        slot = len(self.bands.codes) if band == NO_BAND else band
        return int(self.rate_index[RATE_SERVICES.index(service), zone, slot])

    def billed_units(self, rate: int, quantity: int) -> int:
        """Usage rounded up to the charging increments (0 stays 0)."""
        if quantity <= 0:
            return 0
        spec = self.rates[rate]
        if quantity <= spec.first_increment:
            return spec.first_increment
        steps = -(-(quantity - spec.first_increment) // spec.next_increment)
        return spec.first_increment + steps * spec.next_increment

    def price(self, rate: int, units: int) -> Decimal:
        """What ``units`` billed units cost, with connect fee and minimum, rounded by the tariff's rule."""
        if units <= 0:
            return Decimal(0).scaleb(-self.minor)
        spec = self.rates[rate]
        amount = spec.connect_fee + Decimal(units) * spec.price / Decimal(spec.unit_size)
        amount = max(amount, spec.minimum_charge)
        return amount.quantize(Decimal(1).scaleb(-self.minor), rounding=self.rounding)

    # -- arrays of records ---------------------------------------------------------------

    def billed_units_many(self, rates: np.ndarray, quantities: np.ndarray) -> np.ndarray:
        import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
        first = self.first_increment[rates]
        step = self.next_increment[rates]
        over = np.maximum(quantities - first, 0)
        billed = first + (-(-over // step)) * step
        return np.where(quantities > 0, billed, 0)

    def price_minor_many(self, rates: np.ndarray, units: np.ndarray) -> np.ndarray:
        """``price`` for arrays, exactly, as integer minor units (int64)."""
        import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
        unit_size = self.unit_size[rates]
        # Amount in micro-units times unit_size: exact integers, no division until rounding.
        scaled = self.connect_micro[rates] * unit_size + units * self.price_micro[rates]
        scaled = np.maximum(scaled, self.minimum_micro[rates] * unit_size)
        divisor = unit_size * 10 ** (6 - self.minor)
        minor = _round_div(scaled, divisor, self.rounding)
        return np.where(units > 0, minor, 0)


def _round_div(numerator: np.ndarray, divisor: np.ndarray, rounding: str) -> np.ndarray:
    """Non-negative ``numerator / divisor`` rounded to an integer as ``decimal`` would."""
    import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
    quotient, remainder = np.divmod(numerator, divisor)
    if rounding == "ROUND_DOWN":
        return quotient
    if rounding == "ROUND_UP":
        return quotient + (remainder > 0)
    twice = 2 * remainder
    if rounding == "ROUND_HALF_UP":
        return quotient + (twice >= divisor)
    # ROUND_HALF_EVEN
    return quotient + ((twice > divisor) | ((twice == divisor) & (quotient % 2 == 1)))


class VersionKey(Protocol):
    """What compiling needs of a version: a ``TariffVersion`` or any plain record with these
    (the real-time path reads them in its one joined statement, not as an ORM object)."""

    id: int
    tariff_id: int
    version: int
    stamp: str


def compile_version(session: Session, version: TariffVersion | VersionKey) -> CompiledTariff:
    """The compiled form of ``version``, from the cache while its ``stamp`` is unchanged.

    The stamp changes with every edit of the version (``service.touch``), so a caller that reads
    the stamp in the same transaction as its record sees a change at once, in every process."""
    key = (version.id, version.stamp)
    found = _CACHE.get(key)
    if found is not None:
        return found
    tariff = session.get(Tariff, version.tariff_id)
    zones = [(r.code, r.kind) for r in session.execute(
        sa.select(TariffZone.code, TariffZone.kind).where(TariffZone.version_id == version.id)
        .order_by(TariffZone.id))]
    prefixes = _prefix_rows(session, version.id)
    band_rows = session.scalars(sa.select(TariffBand).where(TariffBand.version_id == version.id)
                                .order_by(TariffBand.id))
    bands = [BandSpec(b.code, b.days, b.start_minute, b.end_minute, b.holidays, b.priority) for b in band_rows]
    holidays = []
    if tariff.holiday_calendar:
        holidays = list(session.scalars(sa.select(Holiday.day).where(Holiday.calendar == tariff.holiday_calendar)))
    rates = [Rate(r.id, r.service, r.zone_code, r.band_code, r.price, r.unit_size, r.first_increment,
                  r.next_increment, r.connect_fee, r.minimum_charge)
             for r in session.scalars(sa.select(TariffRate).where(TariffRate.version_id == version.id)
                                      .order_by(TariffRate.id))]
    compiled = CompiledTariff(tariff, version, zones, prefixes, BandGrid(bands, holidays, tariff.timezone), rates)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = compiled
    return compiled


def _prefix_rows(session: Session, version_id: int) -> list[tuple[str, str, str]]:
    """Straight from the driver's cursor: skipping SQLAlchemy's row objects halves the time a
    100,000-prefix table takes to load (plain strings need no type processing)."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(f"SELECT plan, prefix, zone_code FROM {TariffPrefix.__tablename__} "  # noqa: S608
                       f"WHERE version_id = {mark}", (version_id,))
        return cursor.fetchall()
    finally:
        cursor.close()


def clear_cache() -> None:
    _CACHE.clear()
