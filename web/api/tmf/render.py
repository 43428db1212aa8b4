"""Small pieces of TMF JSON every resource renders the same way."""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.clock import isoformat_z


def period(start: dt.datetime | None, end: dt.datetime | None) -> dict[str, str] | None:
    """A TMF ``TimePeriod``; None when neither end is known."""
    if start is None and end is None:
        return None
    return {k: isoformat_z(v) for k, v in (("startDateTime", start), ("endDateTime", end)) if v is not None}


def compact(body: dict[str, Any]) -> dict[str, Any]:
    """Leave out attributes with no value, as TMF servers do."""
    return {k: v for k, v in body.items() if v is not None}


def drop_empty(body: dict[str, Any]) -> dict[str, Any]:
    """Leave out attributes with no value and empty arrays."""
    return {k: v for k, v in body.items() if v is not None and v != []}
