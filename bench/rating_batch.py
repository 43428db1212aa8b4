"""Batch rating throughput, reading usage and writing rated records included.

    .venv/bin/python -m bench.rating_batch [--db sqlite,postgresql] [--lines 1000] [--records 100000]
                                           [--runs 3] [--chunk 50000] [--baseline 2000]

For each database: builds an operator (lines through the real services, 30% with buckets),
stages generated usage in a table (untimed), then times, per run: reading the staged rows into
``UsageEvent`` objects, ``rate_usage`` on chunks of ``--chunk`` (zones, bands, buckets, balance
debits, postpaid charges, rated records written), and the commit. Prints records/s (median and
best of ``--runs``), this process's CPU time per record (the database server's not counted;
steadier than wall clock on a shared machine) and, as the baseline measured in the same run, the
per-record real-time path (``debit`` one record at a time, one commit at the end) on ``--baseline``
records, with the ratio. With ``--workers N`` (default 2) it then times N processes rating
their own shares of another ``--records`` records at once, as N Celery workers would.

The storage floor, measured in the same database: reading ``--records`` staged usage rows and
writing as many rated rows (the ones the runs stored, prebuilt in memory as the database
returned them) into a copy of ``rated_usage`` with the same indexes, by the fastest raw way
(``COPY`` on PostgreSQL, ``executemany`` on SQLite): no rating work at all, no balances. No
rating of these records can run faster than that on this machine; the goal is printed as a
multiple of it.
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
import zlib

import sqlalchemy as sa

from bench.rating_common import build_operator, database, generate_usage, make_app
from billing.rating import debit, rate_usage
from billing.rating.models import RatedUsage
from billing.usage import UsageEvent
from core.clock import FixedClock
from core.db import UTCDateTime, db

STAGING = sa.MetaData()
USAGE = sa.Table(
    "bench_usage", STAGING,
    sa.Column("usage_id", sa.BigInteger, primary_key=True), sa.Column("msisdn", sa.String(16)),
    sa.Column("service", sa.String(5)), sa.Column("direction", sa.String(3)),
    sa.Column("started_at", UTCDateTime()), sa.Column("other_party", sa.String(32)),
    sa.Column("duration_s", sa.Integer), sa.Column("messages", sa.Integer), sa.Column("volume_up", sa.BigInteger),
    sa.Column("volume_down", sa.BigInteger), sa.Column("roaming", sa.Boolean),
    sa.Column("visited_network", sa.String(8)),
    # Which worker rates the record when several do: by number, so no two workers debit the
    # same balance (they would queue on its row lock), as a router of files by MSISDN would.
    sa.Column("part", sa.Integer))
FIELDS = [c.name for c in USAGE.columns if c.name != "part"]
PARTS = 12  # divisible by 1, 2, 3, 4 and 6 workers


def _stage(session, usage: list[UsageEvent]) -> None:
    STAGING.create_all(session.connection())
    session.execute(USAGE.insert(), [{**{f: getattr(e, f) for f in FIELDS},
                                      "part": zlib.crc32(e.msisdn.encode()) % PARTS} for e in usage])
    session.commit()


def _read(session, first: int, last: int, parts: tuple[int, ...] | None = None) -> list[UsageEvent]:
    stmt = sa.select(*(USAGE.c[f] for f in FIELDS)).where(USAGE.c.usage_id.between(first, last))
    if parts is not None:
        stmt = stmt.where(USAGE.c.part.in_(parts))
    rows = session.connection().execute(stmt.order_by(USAGE.c.usage_id))
    return [UsageEvent(*row) for row in rows]


def measure(kind: str, args) -> dict:
    clock = FixedClock(time_now())
    with database(kind) as url:
        app = make_app(url, clock)
        with app.app_context():
            events = app.extensions["bss.events"]
            numbers = build_operator(db.session, clock, events, args.lines)
            total = args.records * args.runs + args.baseline + (args.records if args.workers > 1 else 0)
            _stage(db.session, generate_usage(numbers, total, 1, seed=7))
            rates, parts, cpus = [], [], []
            for run in range(args.runs):
                first = 1 + run * args.records
                began, cpu_began = time.perf_counter(), time.process_time()
                read = rate = 0.0
                for start in range(first, first + args.records, args.chunk):
                    t0 = time.perf_counter()
                    usage = _read(db.session, start, min(start + args.chunk, first + args.records) - 1)
                    t1 = time.perf_counter()
                    summary = rate_usage(db.session, clock, events, usage, source="bench")
                    db.session.commit()
                    read, rate = read + t1 - t0, rate + time.perf_counter() - t1
                    assert summary.rated + summary.error_count == len(usage), summary
                elapsed = time.perf_counter() - began
                cpus.append((time.process_time() - cpu_began) / args.records)
                rates.append(args.records / elapsed)
                parts.append((read, rate))
            first = 1 + args.runs * args.records
            sample = _read(db.session, first, first + args.baseline - 1)
            began = time.perf_counter()
            for event in sorted(sample, key=lambda e: (e.started_at, e.usage_id)):
                debit(db.session, clock, events, event, source="bench")
            db.session.commit()
            baseline = len(sample) / (time.perf_counter() - began)
            floor = statistics.median(storage_floor(db.session, args.records) for _ in range(args.runs))
            db.session.remove()
            db.engine.dispose()
            parallel = _parallel(url, clock, 1 + args.runs * args.records + args.baseline, args) \
                if args.workers > 1 else None
    median = statistics.median(rates)
    read, rate = parts[rates.index(max(rates))]
    return {"db": kind, "median": median, "best": max(rates), "baseline": baseline, "ratio": median / baseline,
            "read_share": read / (read + rate), "errors": summary.error_count, "cpu": statistics.median(cpus),
            "parallel": parallel, "floor": floor}


def _floor_table(name: str) -> sa.Table:
    """A table shaped like ``rated_usage`` with its indexes (partial unique one included), no
    foreign keys: what storing rated rows costs at the least."""
    source = RatedUsage.__table__
    table = sa.Table(name, sa.MetaData(), *(sa.Column(c.name, c.type, primary_key=c.primary_key)
                                            for c in source.columns))
    for index in source.indexes:
        options = {f"{dialect}_where": index.dialect_options[dialect]["where"]
                   for dialect in ("postgresql", "sqlite") if index.dialect_options[dialect]._non_defaults.get("where")
                   is not None}
        sa.Index(f"{name}_{index.name}", *(table.c[c.name] for c in index.columns), unique=index.unique, **options)
    return table


def storage_floor(session, count: int) -> float:
    """records/s of reading ``count`` staged usage rows and writing ``count`` rated rows raw."""
    table = _floor_table("bench_rated_floor")
    connection = session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)
    session.commit()
    raw = session.connection().connection.driver_connection
    # The SQL below is built from our own table and column names and an integer, never from input.
    columns = ", ".join(c.name for c in RatedUsage.__table__.columns)
    read = f"SELECT {', '.join(FIELDS)} FROM bench_usage ORDER BY usage_id LIMIT {count}"  # noqa: S608
    if session.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cursor:
            prebuilt = bytearray()
            export = f"COPY (SELECT {columns} FROM rated_usage ORDER BY id LIMIT {count}) TO STDOUT"  # noqa: S608
            with cursor.copy(export) as out:
                for block in out:
                    prebuilt += block
            raw.commit()
            began = time.perf_counter()
            rows = cursor.execute(read).fetchall()
            with cursor.copy(f"COPY bench_rated_floor ({columns}) FROM STDIN") as copy:
                copy.write(bytes(prebuilt))
            raw.commit()
    else:
        prebuilt = raw.execute(f"SELECT {columns} FROM rated_usage ORDER BY id LIMIT {count}").fetchall()  # noqa: S608
        marks = ", ".join("?" for _ in RatedUsage.__table__.columns)
        began = time.perf_counter()
        rows = raw.execute(read).fetchall()
        raw.executemany(f"INSERT INTO bench_rated_floor ({columns}) VALUES ({marks})", prebuilt)  # noqa: S608
        raw.commit()
    elapsed = time.perf_counter() - began
    assert len(rows) == count and len(prebuilt) > 0
    table.drop(session.connection())
    session.commit()
    return count / elapsed


def _worker(url: str, clock: FixedClock, first: int, last: int, parts: tuple[int, ...], chunk: int, ready,
            done) -> None:
    """One rating worker process (as a Celery worker rating its own files would be): its own
    app and connection, its numbers' share of the staged usage in chunks, a commit per chunk."""
    app = make_app(url, clock)
    with app.app_context():
        events = app.extensions["bss.events"]
        ready.wait()
        rated = 0
        for start in range(first, last + 1, chunk):
            usage = _read(db.session, start, min(start + chunk - 1, last), parts)
            rate_usage(db.session, clock, events, usage, source="bench")
            db.session.commit()
            rated += len(usage)
        done.put((time.perf_counter(), rated))
        db.session.remove()
        db.engine.dispose()


def _parallel(url: str, clock: FixedClock, first: int, args) -> float:
    """records/s of ``--workers`` processes rating ``--records`` staged records together, each
    the records of its own numbers; timed from the common start to the last one's end."""
    context = multiprocessing.get_context("spawn")
    ready, done = context.Barrier(args.workers + 1), context.Queue()
    last = first + args.records - 1
    workers = [context.Process(target=_worker, args=(url, clock, first, last, tuple(range(k, PARTS, args.workers)),
                                                      args.chunk * args.workers, ready, done))
               for k in range(args.workers)]
    for worker in workers:
        worker.start()
    ready.wait()
    began = time.perf_counter()
    results = [done.get(timeout=900) for _ in workers]
    for worker in workers:
        worker.join()
    assert sum(rated for _, rated in results) == args.records
    return args.records / (max(end for end, _ in results) - began)


def time_now():
    import datetime as dt

    return dt.datetime(2026, 3, 1, tzinfo=dt.UTC)  # lines open before the usage starts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--baseline", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel run (1: none)")
    args = parser.parse_args()
    print(f"Batch rating, {args.records:,} records per run, {args.runs} runs, {args.lines:,} lines, "
          f"chunks of {args.chunk:,}")
    for kind in args.db.split(","):
        result = measure(kind, args)
        print(f"{result['db']:<11} median {result['median']:>9,.0f} records/s  best {result['best']:>9,.0f}  "
              f"(reading usage {result['read_share']:.0%} of the time; {result['cpu'] * 1e6:.1f} µs Python CPU "
              f"per record, {1 / result['cpu']:,.0f} records per CPU-second)  | per-record real-time path "
              f"{result['baseline']:>7,.0f} records/s  -> batch x{result['ratio']:.1f}; "
              f"{result['errors']} rating errors in the last chunk")
        floor = result["floor"]
        print(f"{'':<11} storage floor (read usage + write rated rows raw, no rating): {floor:,.0f} records/s; "
              f"batch median is {result['median'] / floor:.0%} of it; the 250,000/s goal is x{250_000 / floor:.1f} "
              f"the floor")
        if result["parallel"]:
            print(f"{'':<11} {args.workers} worker processes together: {result['parallel']:,.0f} records/s "
                  f"(x{result['parallel'] / result['median']:.2f} the one-process median)")


if __name__ == "__main__":
    main()
