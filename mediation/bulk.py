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
_TIME_MEMO = 200_000  # distinct timestamps remembered per text form (a file spans minutes or hours)
_UNIQUE_VIOLATION = "23505"
_sequences: dict[str, str] = {}  # table -> its id sequence (the name is the same in every database)


class _Remembered(dict):
    """A text form of datetimes, each distinct value formatted once: the records of a file
    share their seconds (and a record's start is written twice, in its row and its
    duplicate-check key), and ``isoformat`` of an aware datetime costs some twenty dictionary
    look-ups. A hit is one look-up in C (``__getitem__``), with no Python frame."""

    def __init__(self, form):
        super().__init__()
        self.form = form

    def __missing__(self, moment: dt.datetime) -> str:
        if len(self) >= _TIME_MEMO:
            self.clear()
        text = self[moment] = self.form(moment)
        return text


def _sqlite_form(moment: dt.datetime) -> str:
    # The text form SQLAlchemy's SQLite DATETIME writes and reads (naive UTC, microseconds);
    # isoformat is several times faster than strftime, and decoders already hand out UTC.
    if moment.tzinfo is not dt.UTC:
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat(" ", "microseconds")[:26]


# The text a timestamp column takes in SQLite (naive UTC) and in PostgreSQL's COPY (ISO 8601
# with its offset). Equal datetimes (the same instant) always give the same text: the memo key is
# the instant, and both forms write the instant (PostgreSQL's with its offset, SQLite's in UTC).
sqlite_time = _Remembered(_sqlite_form).__getitem__
pg_time = _Remembered(dt.datetime.isoformat).__getitem__


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
            return self._claim_keys_pg(cursor, keys, file_id)
        seen: set[bytes] = set()
        only_keys = [key for key, _ in keys]
        for start in range(0, len(only_keys), _SQLITE_CHUNK):
            chunk = only_keys[start:start + _SQLITE_CHUNK]
            marks = ",".join("?" * len(chunk))
            cursor.execute(f"SELECT key FROM mediation_dedup_key WHERE key IN ({marks})", chunk)  # noqa: S608
            seen.update(row[0] for row in cursor.fetchall())
        fresh = [(key, sqlite_time(at), file_id) for key, at in keys if key not in seen]
        cursor.executemany("INSERT INTO mediation_dedup_key (key, seen_at, file_id) VALUES (?, ?, ?)", fresh)
        return {row[0] for row in fresh}

    def _claim_keys_pg(self, cursor, keys: Sequence[tuple[bytes, dt.datetime]], file_id: int) -> set[bytes]:
        # Fast path: look up which keys exist, then COPY the others straight into the key table
        # in key order (a third of the server's time of the INSERT ... ON CONFLICT below). The
        # unique index still decides: if a concurrent worker inserted one of them meanwhile, the
        # COPY fails on it, is rolled back to the savepoint and the batch takes the slow path.
        ordered = sorted(keys)
        hexes = [key.hex() for key, _ in ordered]
        cursor.execute("SELECT key FROM mediation_dedup_key WHERE key = ANY(%s::bytea[])",
                       ("{\\\\x" + ",\\\\x".join(hexes) + "}",))
        seen = {bytes(row[0]) for row in cursor.fetchall()}
        if seen:
            kept = [i for i, (key, _) in enumerate(ordered) if key not in seen]
            if not kept:
                return set()
            ordered, hexes = [ordered[i] for i in kept], [hexes[i] for i in kept]
        time, tail = pg_time, f"\t{file_id}\n"
        text = "".join([f"\\\\x{hexed}\t{time(at)}{tail}"
                        for hexed, (_, at) in zip(hexes, ordered, strict=True)]).encode()
        fresh = ordered
        cursor.execute("SAVEPOINT mediation_dedup_copy")
        try:
            with cursor.copy("COPY mediation_dedup_key (key, seen_at, file_id) FROM STDIN") as copy:
                copy.write(text)
        except Exception as error:
            if getattr(error, "sqlstate", None) != _UNIQUE_VIOLATION:
                raise
            cursor.execute("ROLLBACK TO SAVEPOINT mediation_dedup_copy")
            return self._insert_keys_pg(cursor, fresh, file_id)
        cursor.execute("RELEASE SAVEPOINT mediation_dedup_copy")
        return {key for key, _ in fresh}

    def _insert_keys_pg(self, cursor, keys: Sequence[tuple[bytes, dt.datetime]], file_id: int) -> set[bytes]:
        if not self._temp_ready:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS mediation_dedup_batch "
                           "(key bytea, seen_at timestamptz) ON COMMIT DELETE ROWS")
            self._temp_ready = True
        with cursor.copy("COPY mediation_dedup_batch (key, seen_at) FROM STDIN") as copy:
            copy.write("".join([f"\\\\x{key.hex()}\t{pg_time(at)}\n" for key, at in keys]).encode())
        # ON CONFLICT waits for a concurrent worker's uncommitted insert of the same key,
        # then skips it: exactly one worker wins each key. Inserting in key order makes
        # every worker wait in the same order, so two of them cannot deadlock.
        cursor.execute("INSERT INTO mediation_dedup_key (key, seen_at, file_id) "
                       "SELECT key, seen_at, %s FROM mediation_dedup_batch ORDER BY key "
                       "ON CONFLICT DO NOTHING RETURNING key", (file_id,))
        return {bytes(row[0]) for row in cursor.fetchall()}

    # -- inserts ------------------------------------------------------------------------

    def next_ids(self, table: str, count: int) -> list[int]:
        """``count`` fresh primary keys for ``table`` (so COPY can write ids we already know)."""
        if count == 0:
            return []
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            sequence = _sequences.get(table)
            if sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
                sequence = _sequences[table] = cursor.fetchone()[0]
            # The sequence as a constant: pg_get_serial_sequence() per row looked the name up in
            # the catalog for every id, 3 µs of server time each against 0.4 µs.
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, count))
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


class _Escaped(dict):
    """COPY text of the values that repeat across rows (record types, networks, cells, split
    marks, NULL), each escaped once; a hit is one dictionary look-up in C."""

    def __missing__(self, value: str | None) -> str:
        if len(self) >= 100_000:
            self.clear()
            self[None] = "\\N"
        text = self[value] = _text(value)
        return text


_repeated = _Escaped({None: "\\N"})


def usage_rows_pg(ids: Sequence[int], records: Sequence, now: dt.datetime) -> str:
    """``usage_record`` rows as COPY text, in ``USAGE_COLUMNS`` order, from (file id, Usage)
    pairs: one f-string per row, several times faster than formatting value by value."""
    created, time, rep = now.isoformat(), pg_time, _repeated
    return "".join([
        f"{ident}\t{file_id}\t{u[0]}\t{u[1]}\t{u[2]}\t{u[3]}\t{_text(u[4])}\t{time(u[5])}\t{u[6]}\t"
        f"{u[7]}\t{u[8]}\t{u[9]}\t{'t' if u[10] else 'f'}\t{rep[u[11]]}\t{rep[u[12]]}\t{rep[u[13]]}\t"
        f"{u[14]}\t{rep[u[15]]}\tdistributed\t{created}\n"
        for ident, (file_id, u) in zip(ids, records, strict=True)])


def usage_rows_sqlite(ids: Sequence[int], records: Sequence, now: dt.datetime) -> list[tuple]:
    created, time = sqlite_time(now), sqlite_time
    return [(ident, file_id, u[0], u[1], u[2], u[3], u[4], time(u[5]), u[6], u[7], u[8], u[9], u[10], u[11], u[12],
             u[13], u[14], u[15], "distributed", created)
            for ident, (file_id, u) in zip(ids, records, strict=True)]


def _with_sqlite_times(row: Sequence, positions: list[int]) -> list:
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = sqlite_time(values[i])
    return values
