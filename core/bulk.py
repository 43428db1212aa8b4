"""Bulk inserts fast enough for rating and prefix tables: ``COPY`` on PostgreSQL, one
``executemany`` of plain tuples on SQLite.

Values go through each column type's own bind processing (``ExactDecimal``, ``UTCDateTime``,
JSON), so rows land exactly as the ORM would have written them; only the per-row statement
machinery is skipped. Runs in the session's transaction; the caller commits.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session


def remembering_processor(processor):
    """The processor with a memory: amounts, timestamps of a run and empty JSON lists repeat
    across rows, and each is converted once."""
    seen: dict = {}

    def process(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = processor(value)
            return result
        except TypeError:  # unhashable (a JSON list or object)
            return processor(value)

    return process


def _json_text(processor):
    """The JSON processor's wrapper turned into its text once per distinct value: ``COPY``
    takes JSON as text, and psycopg would otherwise serialise every row's wrapper again."""
    from psycopg.types.json import Json  # only on PostgreSQL, where psycopg is the driver

    def process(value):
        wrapped = processor(value)
        if isinstance(wrapped, Json):
            return (wrapped.dumps or json.dumps)(wrapped.obj)
        return wrapped

    return process


def converted_column(column: Sequence, processor) -> list:
    """``processor`` applied to a whole column: each distinct value converted once (amounts,
    a run's timestamps and empty JSON lists repeat across rows)."""
    try:
        distinct = set(column)
    except TypeError:  # unhashable values (JSON lists or objects): value by value, remembering
        remembering = remembering_processor(processor)
        return [None if value is None else remembering(value) for value in column]
    distinct.discard(None)
    done = {value: processor(value) for value in distinct}
    done[None] = None
    return [done[value] for value in column]


def bulk_insert(session: Session, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order); returns how many."""
    connection = session.connection()
    dialect = connection.dialect
    processors = [(index, processor) for index, name in enumerate(columns)
                  if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    values = rows if isinstance(rows, list) else list(rows)
    if processors and values:
        # Column by column rather than row by row: one pass per converted column, no per-row
        # list and tuple copies.
        by_column = list(zip(*values, strict=True))
        for index, processor in processors:
            if dialect.name == "postgresql" and isinstance(table.c[columns[index]].type, sa.JSON):
                processor = _json_text(processor)
            by_column[index] = converted_column(by_column[index], processor)
        values = list(zip(*by_column, strict=True))
    names = ", ".join(f'"{name}"' for name in columns)
    raw = connection.connection.driver_connection
    if dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in values:
                copy.write_row(row)
        return len(values)
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)  # noqa: S608
    finally:
        cursor.close()
    return len(values)
