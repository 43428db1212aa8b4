"""Small checks every catalog service shares."""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.errors import ValidationError

# Integer columns are 32-bit on PostgreSQL; larger input is refused here, not by the database.
MAX_INT = 2**31 - 1


def as_id(value: Any) -> int | None:
    """A primary key from user input (int or digits), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    # isascii: "²" passes isdigit() but not int(); "٣" passes both, as 3.
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 < value <= MAX_INT:
        return value
    return None


def require_name(name: Any, field: str = "name", max_length: int = 200) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("is required", field=field)
    name = name.strip()
    if len(name) > max_length:
        raise ValidationError(f"is longer than {max_length} characters", field=field)
    return name


def check_period(valid_from: dt.datetime | None, valid_to: dt.datetime | None, field: str = "validFor") -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError("endDateTime is before startDateTime", field=field)


def one_of(value: Any, choices: tuple[str, ...], field: str) -> str:
    """``value`` as spelled in ``choices``, matched without regard to case."""
    for choice in choices:
        if isinstance(value, str) and value.strip().lower() == choice.lower():
            return choice
    raise ValidationError(f"must be one of {', '.join(choices)}", field=field)


def check_keys(changes: dict[str, Any], allowed: frozenset[str] | set[str], what: str) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        # A programming error in the caller, not bad input: name it plainly.
        raise TypeError(f"{what} has no attribute(s) {', '.join(sorted(unknown))}")


def non_negative_int(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
        raise ValidationError(f"must be a whole number from 0 to {MAX_INT}", field=field)
    return value
