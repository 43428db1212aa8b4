"""Clocks and the UTC ``Z`` timestamps TM Forum clients expect."""
import datetime as dt
import re
import zoneinfo

import pytest

from core.clock import UTC, FixedClock, SystemClock, isoformat_z, parse_datetime

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.mark.smoke
@pytest.mark.parametrize(("moment", "text"), [
    (dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC), "2026-03-02T09:30:00.000Z"),
    (dt.datetime(2026, 3, 2, 9, 30, 5, 123456, tzinfo=UTC), "2026-03-02T09:30:05.123Z"),
    (dt.datetime(2026, 3, 2, 12, 30, tzinfo=NAIROBI), "2026-03-02T09:30:00.000Z"),
    (dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))), "2026-03-01T20:00:00.000Z"),
    (dt.datetime(2026, 3, 2, 9, 30), "2026-03-02T09:30:00.000Z"),  # naive is read as UTC
])
def test_isoformat_z_is_utc_with_milliseconds(moment, text):
    assert isoformat_z(moment) == text
    assert ISO_Z.match(isoformat_z(moment))


def test_isoformat_z_of_none_is_none():
    assert isoformat_z(None) is None


def test_isoformat_z_of_now_has_the_shape():
    assert ISO_Z.match(isoformat_z(SystemClock().now()))


@pytest.mark.parametrize(("text", "moment"), [
    ("2026-03-02T09:30:00Z", dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    ("2026-03-02T09:30:00.250z", dt.datetime(2026, 3, 2, 9, 30, 0, 250000, tzinfo=UTC)),
    ("2026-03-02T12:30:00+03:00", dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    ("2026-03-02T04:30:00-05:00", dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    ("2026-03-02", dt.datetime(2026, 3, 2, tzinfo=UTC)),  # a bare date is midnight UTC
    (" 2026-03-02T09:30:00Z ", dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
])
def test_parse_datetime(text, moment):
    parsed = parse_datetime(text)
    assert parsed == moment
    assert parsed.utcoffset() == dt.timedelta(0)


def test_parse_then_format_round_trips():
    assert isoformat_z(parse_datetime("2026-03-02T09:30:05.123Z")) == "2026-03-02T09:30:05.123Z"


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "2026-03-02T25:00:00Z", "02/03/2026"])
def test_parse_datetime_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_datetime(text)


@pytest.mark.parametrize("value", [None, 1700000000, dt.date(2026, 3, 2)])
def test_parse_datetime_refuses_non_strings(value):
    with pytest.raises(ValueError):
        parse_datetime(value)


@pytest.mark.smoke
def test_fixed_clock_stands_still_and_advances():
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    assert clock.now() == clock.now() == dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert clock.advance(minutes=45) == dt.datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    clock.advance(days=1, seconds=1)
    assert clock.now() == dt.datetime(2026, 3, 3, 10, 15, 1, tzinfo=UTC)


def test_fixed_clock_converts_to_utc():
    clock = FixedClock(dt.datetime(2026, 3, 2, 12, 30, tzinfo=NAIROBI))
    assert clock.now().tzinfo is UTC and clock.now().hour == 9
    clock.set(dt.datetime(2026, 6, 1, 3, 0, tzinfo=NAIROBI))
    assert clock.now() == dt.datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


def test_fixed_clock_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        FixedClock(dt.datetime(2026, 3, 2, 9, 30))
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    with pytest.raises(ValueError):
        clock.set(dt.datetime(2026, 3, 2, 9, 30))
    assert clock.now() == dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_system_clock_is_aware_utc():
    now = SystemClock().now()
    assert now.utcoffset() == dt.timedelta(0)
    assert abs(now - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)
