"""SQL conditions for TMF equality filters (``?attribute=value``), one per kind of column.

``a,b`` in a value means either; a value that cannot be one of the column's kind matches
nothing rather than failing the request, as a filter on a missing value would.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from core.clock import parse_datetime
from web.api.tmf.ids import parse_id

Condition = Callable[[str], sa.ColumnElement[bool]]


def _values(raw: str) -> list[str]:
    return [v.strip() for v in raw.split(",") if v.strip() != ""]


def by_id(column) -> Condition:
    """Integer ids (of the size ``column`` holds)."""
    def condition(raw: str) -> sa.ColumnElement[bool]:
        ids = [ident for ident in (parse_id(v, column) for v in _values(raw)) if ident is not None]
        return column.in_(ids) if ids else sa.false()
    return condition


def by_text(column, transform: Callable[[str], str] | None = None) -> Condition:
    """Text equality. A comma may separate alternatives or belong to the value ("Acme, Inc."),
    so both readings match."""
    def condition(raw: str) -> sa.ColumnElement[bool]:
        shape = transform or (lambda v: v)
        if "," not in raw:
            return column == shape(raw)
        return sa.or_(column == shape(raw), column.in_([shape(v) for v in _values(raw)]))
    return condition


def by_flag(column) -> Condition:
    """Booleans written ``true``/``false``."""
    def condition(raw: str) -> sa.ColumnElement[bool]:
        wanted = {v.lower() for v in _values(raw)}
        if wanted and wanted <= {"true", "false"}:
            return column.in_([v == "true" for v in wanted])
        return sa.false()
    return condition


def by_instant(column) -> Condition:
    """Timestamps, equal at the millisecond we render, whatever finer precision was stored."""
    def condition(raw: str) -> sa.ColumnElement[bool]:
        matches = []
        for value in _values(raw):
            try:
                moment = parse_datetime(value)
                moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
                end = moment + dt.timedelta(milliseconds=1)
            except (ValueError, OverflowError):  # not a date, or the last millisecond Python can hold
                continue
            matches.append(sa.and_(column >= moment, column < end))
        return sa.or_(*matches) if matches else sa.false()
    return condition
