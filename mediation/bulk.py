"""Bulk writes for the hot path, inside the caller's transaction.

PostgreSQL gets ``COPY`` (through psycopg, on the session's own connection, so a batch commits
or rolls back whole); SQLite gets ``executemany`` on its raw connection. Rows are plain tuples
in the column order below: no ORM objects per record.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

USAGE_COLUMNS = ("id", "file_id", "record_offset", "msisdn", "service", "direction", "other_party",
                 "started_at", "duration_s", "messages", "volume_up", "volume_down", "roaming",
                 "visited_network", "location", "record_type", "parts", "split", "state", "created_at")
REJECT_COLUMNS = ("file_id", "record_offset", "reason_code", "reason", "raw", "state", "created_at")
_TIME_COLUMNS = {"started_at", "created_at"}
_SQLITE_CHUNK = 400  # bound parameters per IN (...) query, well under SQLite's limit


def _sqlite_time(moment: dt.datetime) -> str:
    # The text form SQLAlchemy's SQLite DATETIME writes and reads (naive UTC, microseconds);
    # isoformat is several times faster than strftime, and decoders already hand out UTC.
    if moment.tzinfo is not dt.UTC:
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat(" ", "microseconds")[:26]


class BulkWriter:
    """Writes one batch's rows through the session's connection."""

    def __init__(self, session: Session):
        connection = session.connection()
        self.dialect = connection.dialect.name
        self.raw = connection.connection.driver_connection
        self._temp_ready = False

    # -- locking ------------------------------------------------------------------------

    def lock_file(self, file_id: int, checkpoint: int) -> bool:
        """Take the file's row for this batch. False when another worker moved its checkpoint.

        On SQLite this first write also takes the database's write lock for the whole batch,
        which is what makes the duplicate check's read-then-insert safe there.
        """
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            cursor.execute("SELECT checkpoint FROM mediation_file WHERE id = %s FOR UPDATE", (file_id,))
            row = cursor.fetchone()
            return row is not None and row[0] == checkpoint
        cursor.execute("UPDATE mediation_file SET checkpoint = checkpoint WHERE id = ? AND checkpoint = ?",
                       (file_id, checkpoint))
        return cursor.rowcount == 1

    # -- duplicate check ----------------------------------------------------------------

    def claim_keys(self, keys: Sequence[tuple[bytes, dt.datetime]], file_id: int) -> set[bytes]:
        """Insert the keys not yet seen; return those this call inserted (the others are duplicates)."""
        if not keys:
            return set()
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            if not self._temp_ready:
                cursor.execute("CREATE TEMP TABLE IF NOT EXISTS mediation_dedup_batch "
                               "(key bytea, seen_at timestamptz) ON COMMIT DELETE ROWS")
                self._temp_ready = True
            with cursor.copy("COPY mediation_dedup_batch (key, seen_at) FROM STDIN") as copy:
                copy.write("".join([f"\\\\x{key.hex()}\t{at.isoformat()}\n" for key, at in keys]).encode())
            # ON CONFLICT waits for a concurrent worker's uncommitted insert of the same key,
            # then skips it: exactly one worker wins each key. Inserting in key order makes
            # every worker wait in the same order, so two of them cannot deadlock.
            cursor.execute("INSERT INTO mediation_dedup_key (key, seen_at, file_id) "
                           "SELECT key, seen_at, %s FROM mediation_dedup_batch ORDER BY key "
                           "ON CONFLICT DO NOTHING RETURNING key", (file_id,))
            return {bytes(row[0]) for row in cursor.fetchall()}
        seen: set[bytes] = set()
        only_keys = [key for key, _ in keys]
        for start in range(0, len(only_keys), _SQLITE_CHUNK):
            chunk = only_keys[start:start + _SQLITE_CHUNK]
            marks = ",".join("?" * len(chunk))
            cursor.execute(f"SELECT key FROM mediation_dedup_key WHERE key IN ({marks})", chunk)  # noqa: S608
            seen.update(row[0] for row in cursor.fetchall())
        fresh = [(key, _sqlite_time(at), file_id) for key, at in keys if key not in seen]
        cursor.executemany("INSERT INTO mediation_dedup_key (key, seen_at, file_id) VALUES (?, ?, ?)", fresh)
        return {row[0] for row in fresh}

    # -- inserts ------------------------------------------------------------------------

    def next_ids(self, table: str, count: int) -> list[int]:
        """``count`` fresh primary keys for ``table`` (so COPY can write ids we already know)."""
        if count == 0:
            return []
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           (table, count))
            return [row[0] for row in cursor.fetchall()]
        # The batch holds SQLite's write lock (lock_file), so nobody else can take these ids.
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))

    def insert_usage(self, ids: Sequence[int], records: Sequence, now: dt.datetime) -> None:
        """Write ``usage_record`` rows for (file id, Usage) pairs with the given ids."""
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            with cursor.copy(f"COPY usage_record ({', '.join(USAGE_COLUMNS)}) FROM STDIN") as copy:
                copy.write(usage_rows_pg(ids, records, now).encode())
            return
        marks = ", ".join("?" * len(USAGE_COLUMNS))
        cursor.executemany(f"INSERT INTO usage_record ({', '.join(USAGE_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                           usage_rows_sqlite(ids, records, now))

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write("".join([_copy_line(row) for row in rows]).encode())
            return
        times = [i for i, name in enumerate(columns) if name in _TIME_COLUMNS]
        if times:
            rows = [_with_sqlite_times(row, times) for row in rows]
        marks = ", ".join("?" * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """One value in PostgreSQL's COPY text format (what psycopg's write_row does, in less time)."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is dt.datetime:
        return value.isoformat()
    return str(value)


def _copy_line(row: Sequence) -> str:
    return "\t".join([_copy_value(v) for v in row]) + "\n"


def _text(value: str | None) -> str:
    if value is None:
        return "\\N"
    if value.isprintable() and "\\" not in value:  # the common case: nothing to escape
        return value
    return value.translate(_COPY_ESCAPES)


def usage_rows_pg(ids: Sequence[int], records: Sequence, now: dt.datetime) -> str:
    """``usage_record`` rows as COPY text, in ``USAGE_COLUMNS`` order, from (file id, Usage)
    pairs: one f-string per row, several times faster than formatting value by value."""
    created = now.isoformat()
    return "".join([
        f"{ident}\t{file_id}\t{u[0]}\t{u[1]}\t{u[2]}\t{u[3]}\t{_text(u[4])}\t{u[5].isoformat()}\t{u[6]}\t"
        f"{u[7]}\t{u[8]}\t{u[9]}\t{'t' if u[10] else 'f'}\t{_text(u[11])}\t{_text(u[12])}\t{_text(u[13])}\t"
        f"{u[14]}\t{_text(u[15])}\tdistributed\t{created}\n"
        for ident, (file_id, u) in zip(ids, records, strict=True)])


def usage_rows_sqlite(ids: Sequence[int], records: Sequence, now: dt.datetime) -> list[tuple]:
    created = _sqlite_time(now)
    return [(ident, file_id, *u[:5], _sqlite_time(u[5]), *u[6:], "distributed", created)
            for ident, (file_id, u) in zip(ids, records, strict=True)]


def _with_sqlite_times(row: Sequence, positions: list[int]) -> list:
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = _sqlite_time(values[i])
    return values
