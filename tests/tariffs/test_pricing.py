"""Tariff pricing: the vectorised integer path equals the Decimal path, for any rate and usage."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.tariffs.bands import BandGrid, BandSpec
from catalog.tariffs.compiled import CompiledTariff, Rate
from catalog.tariffs.models import ROUNDING_MODES

MONEY = st.decimals(min_value=0, max_value=500, places=6, allow_nan=False, allow_infinity=False)


def _tariff(rates: list[Rate], rounding: str = "ROUND_HALF_UP", currency: str = "KES") -> CompiledTariff:
    tariff = SimpleNamespace(id=1, code="T", currency=currency, rounding=rounding)
    version = SimpleNamespace(id=1, version=1, stamp="x")
    zones = [("home", "onnet"), ("offnet", "offnet")]
    return CompiledTariff(tariff, version, zones, [("number", "2547", "offnet")],
                          BandGrid([BandSpec("all", "1234567", 0, 1440)], []), rates)


@st.composite
def rates(draw):
    unit = draw(st.sampled_from([1, 60, 1024 * 1024, 1000]))
    first = draw(st.integers(1, 120))
    return Rate(1, "voice", "offnet", None, draw(MONEY), unit, first, draw(st.integers(1, 60)), draw(MONEY),
                draw(MONEY))


@settings(max_examples=300, deadline=None)
@given(rate=rates(), rounding=st.sampled_from(ROUNDING_MODES), currency=st.sampled_from(["KES", "JPY", "KWD"]),
       quantities=st.lists(st.integers(0, 10**10), min_size=1, max_size=20))
def test_vectorised_price_equals_decimal_price(rate, rounding, currency, quantities):
    tariff = _tariff([rate], rounding, currency)
    index = np.zeros(len(quantities), dtype=np.int64)
    billed = tariff.billed_units_many(index, np.array(quantities, dtype=np.int64))
    minor = tariff.price_minor_many(index, billed)
    for quantity, units, cents in zip(quantities, billed.tolist(), minor.tolist(), strict=True):
        assert units == tariff.billed_units(0, quantity)
        assert Decimal(cents).scaleb(-tariff.minor) == tariff.price(0, units)
        assert units >= quantity and (units - quantity < max(rate.first_increment, rate.next_increment))


@pytest.mark.parametrize(("increments", "seconds", "billed"), [
    ((60, 60), 1, 60), ((60, 60), 61, 120), ((30, 6), 1, 30), ((30, 6), 31, 36), ((30, 6), 36, 36),
    ((1, 1), 61, 61), ((1, 1), 0, 0)])
def test_charging_increments(increments, seconds, billed):
    rate = Rate(1, "voice", "offnet", None, Decimal("6"), 60, *increments, Decimal(0), Decimal(0))
    assert _tariff([rate]).billed_units(0, seconds) == billed


def test_minimum_charge_and_connect_fee_apply_once():
    rate = Rate(1, "voice", "offnet", None, Decimal("6"), 60, 1, 1, Decimal("1.5"), Decimal("2"))
    tariff = _tariff([rate])
    assert tariff.price(0, 1) == Decimal("2.00")  # 1.5 + 0.10 is under the minimum
    assert tariff.price(0, 60) == Decimal("7.50")
    assert tariff.price(0, 0) == Decimal("0.00")


def test_rounding_rule_per_tariff():
    rate = Rate(1, "voice", "offnet", None, Decimal("0.3"), 60, 1, 1, Decimal(0), Decimal(0))  # 0.005 per s
    assert _tariff([rate], "ROUND_HALF_UP").price(0, 1) == Decimal("0.01")
    assert _tariff([rate], "ROUND_HALF_EVEN").price(0, 1) == Decimal("0.00")
    assert _tariff([rate], "ROUND_DOWN").price(0, 3) == Decimal("0.01")
    assert _tariff([rate], "ROUND_UP").price(0, 3) == Decimal("0.02")


def test_bands_vectorised_equal_one_by_one():
    grid = BandGrid([BandSpec("holiday", "", 0, 1440, holidays=True, priority=10),
                     BandSpec("weekend", "67", 0, 1440, priority=20),
                     BandSpec("peak", "12345", 420, 1200, priority=50),
                     BandSpec("offpeak", "1234567", 0, 1440, priority=100)],
                    [dt.date(2026, 12, 25)], "Africa/Nairobi")
    start = dt.datetime(2026, 12, 20, tzinfo=dt.UTC)
    moments = [start + dt.timedelta(minutes=37 * k) for k in range(600)]
    vector = grid.band_many(np.array([int(m.timestamp()) for m in moments], dtype=np.int64)).tolist()
    assert vector == [grid.band_at(m) for m in moments]
    names = {grid.codes[b] for b in vector}
    assert names == {"holiday", "weekend", "peak", "offpeak"}
    # 06:59 local on a Monday is off-peak, 07:00 is peak (Nairobi is UTC+3).
    assert grid.codes[grid.band_at(dt.datetime(2026, 12, 21, 3, 59, tzinfo=dt.UTC))] == "offpeak"
    assert grid.codes[grid.band_at(dt.datetime(2026, 12, 21, 4, 0, tzinfo=dt.UTC))] == "peak"


def test_bands_follow_daylight_saving():
    grid = BandGrid([BandSpec("peak", "1234567", 480, 1080), BandSpec("offpeak", "1234567", 0, 1440, priority=200)],
                    [], "Europe/London")
    # 07:30 UTC is 07:30 local in winter (off-peak) and 08:30 local in summer (peak).
    winter, summer = dt.datetime(2026, 1, 14, 7, 30, tzinfo=dt.UTC), dt.datetime(2026, 7, 14, 7, 30, tzinfo=dt.UTC)
    bands = grid.band_many(np.array([int(winter.timestamp()), int(summer.timestamp())], dtype=np.int64)).tolist()
    assert [grid.codes[b] for b in bands] == ["offpeak", "peak"]
