"""Time as a collaborator: services take a clock so tests can fix or advance it."""
from __future__ import annotations

import datetime as dt
from typing import Protocol

UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real wall clock, always in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move; for tests and deterministic demo data."""

    def __init__(self, at: dt.datetime):
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> dt.datetime:
        return self._at

    def advance(self, **delta) -> dt.datetime:
        self._at += dt.timedelta(**delta)
        return self._at

    def set(self, at: dt.datetime) -> None:
        # A naive value would be read as the host's local time by ``astimezone``.
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)


def isoformat_z(moment: dt.datetime | None) -> str | None:
    """UTC ISO 8601 with a ``Z`` suffix, as TM Forum clients expect (``+00:00`` breaks them)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_datetime(text: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp (``Z`` or an offset; a bare date means midnight UTC)."""
    if not isinstance(text, str):
        raise ValueError(f"expected an ISO 8601 string, got {type(text).__name__}")
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
