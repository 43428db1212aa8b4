"""Reading TMF request bodies: each getter names the field and the reason when input is wrong.

Mappers in ``web/api/tmf6xx_*`` use these to turn JSON into the keyword arguments of a service call.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from core.clock import parse_datetime
from core.errors import ValidationError
from core.money import to_decimal
from web.api.tmf.ids import parse_id

MISSING: Any = object()
_INTEGER = re.compile(r"-?[0-9]{1,30}")


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError(message, field=field)


def _absent(body: dict, field: str, *, required: bool = False) -> bool:
    """Is ``field`` missing or null? A required one raises instead."""
    if field in body and body[field] is not None:
        return False
    if required:
        raise _fail(field, "is required")
    return True


@contextmanager
def at(prefix: str) -> Iterator[None]:
    """Name the enclosing attribute in errors raised inside (``contactMedium[1].phoneNumber``)."""
    try:
        yield
    except ValidationError as error:
        error.field = f"{prefix}.{error.field}" if error.field else prefix
        raise


def column_length(column: Any) -> int | None:
    """The most characters ``column`` (a mapped attribute) holds; None for unbounded text.
    SQLite would store more, PostgreSQL refuses it: the API answers the same 400 on both."""
    return getattr(column.type, "length", None)


def get_str(body: dict, field: str, *, required: bool = False, default: Any = MISSING,
            max_length: int | None = None, choices: tuple[str, ...] | None = None, column: Any = None) -> Any:
    """A string attribute, at most ``max_length`` characters (or what ``column`` holds)."""
    if column is not None and max_length is None:
        max_length = column_length(column)
    if _absent(body, field, required=required):
        return None if default is MISSING else default
    value = body[field]
    if not isinstance(value, str):
        raise _fail(field, f"must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise _fail(field, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise _fail(field, f"is longer than {max_length} characters")
    if choices is not None and value not in choices:
        raise _fail(field, f"must be one of {', '.join(choices)}")
    return value


def get_bool(body: dict, field: str, *, default: Any = MISSING) -> Any:
    if _absent(body, field):
        return None if default is MISSING else default
    value = body[field]
    if not isinstance(value, bool):
        raise _fail(field, f"must be true or false, not {type(value).__name__}")
    return value


def get_int(body: dict, field: str, *, required: bool = False, default: Any = MISSING,
            minimum: int | None = None, maximum: int | None = None) -> Any:
    if _absent(body, field, required=required):
        return None if default is MISSING else default
    value = body[field]
    if isinstance(value, bool) or not isinstance(value, int):
        # A string of ASCII digits is read (clients send "5"); "²", "--5" and numbers of
        # thousands of digits are not integers anyone meant.
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            value = int(value)
        else:
            raise _fail(field, f"must be an integer, not {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise _fail(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise _fail(field, f"must be at most {maximum}")
    return value


def get_decimal(body: dict, field: str, *, required: bool = False, default: Any = MISSING) -> Any:
    """A decimal from a JSON string or number. JSON numbers arrive as ``Decimal`` already
    (``web.json_provider`` parses them as written), never through float."""
    if _absent(body, field, required=required):
        return None if default is MISSING else default
    value = body[field]
    return to_decimal(value, field=field)


def get_datetime(body: dict, field: str, *, required: bool = False) -> dt.datetime | None:
    if _absent(body, field, required=required):
        return None
    try:
        return parse_datetime(body[field])
    except (ValueError, TypeError, OverflowError):  # overflow: 9999-12-31T23:59:59-05:00 is past year 9999 in UTC
        raise _fail(field, f"is not an ISO 8601 date-time: {body[field]!r}") from None


def get_period(body: dict, field: str = "validFor") -> tuple[dt.datetime | None, dt.datetime | None]:
    """A TMF ``TimePeriod`` (``startDateTime``, ``endDateTime``); both optional."""
    period = get_obj(body, field)
    if period is None:
        return None, None
    with at(field):
        start = get_datetime(period, "startDateTime")
        end = get_datetime(period, "endDateTime")
    if start and end and end < start:
        raise _fail(field, "endDateTime is before startDateTime")
    return start, end


def get_obj(body: dict, field: str, *, required: bool = False) -> dict | None:
    if _absent(body, field, required=required):
        return None
    value = body[field]
    if not isinstance(value, dict):
        raise _fail(field, f"must be an object, not {type(value).__name__}")
    return value


def get_list(body: dict, field: str, *, required: bool = False) -> list | None:
    if _absent(body, field, required=required):
        return None
    value = body[field]
    if not isinstance(value, list):
        raise _fail(field, f"must be an array, not {type(value).__name__}")
    return value


def get_objects(body: dict, field: str) -> list[dict]:
    """An array of objects (``[]`` when absent)."""
    items = get_list(body, field) or []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _fail(f"{field}[{index}]", f"must be an object, not {type(item).__name__}")
    return items


def ref_id(ref: dict | None, field: str) -> str | None:
    """The ``id`` of a TMF reference (``{"id": ..., "href": ...}``); from ``href`` if only it is given."""
    if ref is None:
        return None
    ident = ref.get("id")
    if ident in (None, "") and isinstance(ref.get("href"), str):
        ident = ref["href"].rstrip("/").rsplit("/", 1)[-1]
    if ident in (None, ""):
        raise _fail(field, "reference needs an id or href")
    # TMF ids are strings; a whole number is read as its digits, anything else is no id.
    if isinstance(ident, bool) or not isinstance(ident, (str, int)):
        raise _fail(field, f"the id must be a string, not {type(ident).__name__}")
    if isinstance(ident, int) and abs(ident) >= 10**30:
        raise _fail(field, "the id is longer than 30 digits")
    return str(ident)


def local_ref(ref: dict | None, field: str, column: Any, noun: str) -> int | None:
    """The id of a reference to one of our rows (``column`` is its primary key); 400 naming
    ``field`` when the reference cannot name one (``noun`` says what was looked for)."""
    ident = ref_id(ref, field)
    if ident is None:
        return None
    number = parse_id(ident, column)
    if number is None:
        raise _fail(field, f"there is no {noun} {ident}")
    return number


def customer_party(parties: list[dict]) -> dict | None:
    """The ``relatedParty`` entry that names the customer: the one with role ``customer``, else
    with ``@referredType`` ``Customer``, else the only party given."""
    chosen = [p for p in parties if str(p.get("role", "")).lower() == "customer"] or \
             [p for p in parties if str(p.get("@referredType", "")).lower() == "customer"]
    if not chosen and len(parties) == 1:
        chosen = parties
    return chosen[0] if chosen else None


__all__ = [
    "MISSING",
    "Decimal",
    "at",
    "column_length",
    "customer_party",
    "get_bool",
    "get_datetime",
    "get_decimal",
    "get_int",
    "get_list",
    "get_obj",
    "get_objects",
    "get_period",
    "get_str",
    "local_ref",
    "ref_id",
]
