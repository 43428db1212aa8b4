"""Bulk inserts fast enough for rating and prefix tables: ``COPY`` on PostgreSQL, one
``executemany`` of plain tuples on SQLite.

Values go through each column type's own bind processing (``ExactDecimal``, ``UTCDateTime``,
JSON), so rows land exactly as the ORM would have written them; only the per-row statement
machinery is skipped. Runs in the session's transaction; the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session


def _remembering(processor):
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


def bulk_insert(session: Session, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order); returns how many."""
    connection = session.connection()
    dialect = connection.dialect
    processors = [(index, _remembering(processor)) for index, name in enumerate(columns)
                  if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]

    def prepared(row: Sequence) -> tuple:
        if not processors:
            return tuple(row)
        values = list(row)
        for index, processor in processors:
            if values[index] is not None:
                values[index] = processor(values[index])
        return tuple(values)

    names = ", ".join(f'"{name}"' for name in columns)
    raw = connection.connection.driver_connection
    count = 0
    if dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(prepared(row))
                count += 1
        return count
    values = [prepared(row) for row in rows]
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)  # noqa: S608
    finally:
        cursor.close()
    return len(values)
