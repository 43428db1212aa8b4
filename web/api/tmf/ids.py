"""Our resource ids as clients write them: a decimal number that fits its column.

Every id in a URL, a filter or a reference in a body goes through ``parse_id`` before it
reaches the database, so the limits live here once: ASCII digits only (``"²"`` and ``"٣"``
pass ``str.isdigit()``; ``int()`` refuses the first and reads the second as 3), no sign, at
most as large as the column's type holds (PostgreSQL refuses a larger parameter for an
INTEGER column, SQLite any beyond 64 bits).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

# The largest value of each integer column type, on every database we run on.
_LIMITS = ((sa.BigInteger, 2**63 - 1), (sa.SmallInteger, 2**15 - 1), (sa.Integer, 2**31 - 1))


def id_limit(column: Any) -> int:
    """The largest id ``column`` (a mapped attribute or a ``Column``) can hold."""
    kind = column.type
    for type_, limit in _LIMITS:
        if isinstance(kind, type_):
            return limit
    raise TypeError(f"{column} is not an integer column")


def parse_id(value: Any, column: Any) -> int | None:
    """``value`` (a string of digits or an int) as an id of ``column``; None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        limit_digits = len(str(id_limit(column)))
        if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > limit_digits:
            return None
        number = int(text)
    else:
        return None
    return number if 0 < number <= id_limit(column) else None
