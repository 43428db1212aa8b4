"""End-to-end mediation throughput: collect (checksum, claim record) to distributed usage
records, with validation, filtering, the persistent duplicate check and every database write,
on generated CSV and BER files, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.mediation_throughput                       # all formats, both databases
    .venv/bin/python -m bench.mediation_throughput --db postgresql --formats asterisk-csv --records 500000

Prints, per database and format, the median records/s of ``--runs`` runs on a fresh schema, the
mediating process's CPU time per record, for the CSV formats the other path on the same file in
the same run as a baseline (source option ``columnar``: the per-record path for generic-csv, the
column path for asterisk-csv, where it is opt-in), the same with two worker
processes sharing one database (two files at once, as two Celery workers would), and for CSV the
time polars takes just to read the file (the physical limit) as a ratio. Each figure includes
the worker's one-off imports (polars on the column path), as a freshly started worker pays them.

The storage floor, measured in the same run on the same database: the usage rows and
duplicate-check keys the single-worker run stored (as many, prebuilt in memory, same batch size
and a commit per batch) written into a fresh ``usage_record`` and ``mediation_dedup_key`` of the
throw-away database, once through the pipeline's own ``BulkWriter`` (id reservation, key probe
and COPY / ``executemany``, row formatting included) and once raw (COPY text and executemany
tuples built before the clock starts: only the database's work). Its records/s is the most any
pipeline could reach on this machine with one writer; "best / raw floor" is how close we are.
Rating is not included (it has its own benchmark): the sink only records distribution.
``--append`` adds the figures to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import multiprocessing
import os
import platform
import statistics
import tempfile
import time

import sqlalchemy as sa

from core.clock import SystemClock
from core.db import db
from core.events import EventBus
from core.settings import Settings
from devtools.scratch_db import bench_database
from devtools.testdata.cdr_files import generate
from gateway import create_app
from mediation.bulk import USAGE_COLUMNS, BulkWriter, usage_rows_pg, usage_rows_sqlite
from mediation.models import MediationFile
from mediation.pipeline import BATCH_SIZE
from mediation.records import Usage
from mediation.service import process_path
from mediation.sources import SourceConfig

FORMATS = ("asterisk-csv", "generic-csv", "3gpp-ber")
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


def database(kind: str):
    """A throw-away database URL for this bench (see ``devtools.scratch_db.bench_database``)."""
    return bench_database(kind, f"bench_mediation_{os.getpid()}")


def _app(url: str):
    settings = Settings.from_env({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                                  "DEFAULT_REGION": "KE"})
    return create_app(settings, events=EventBus(), instance_path=tempfile.mkdtemp())


def _fresh_schema(url: str) -> None:
    app = _app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
        db.engine.dispose()


def _process(args: tuple) -> tuple[float, float, int, dict, float]:
    """One file through the pipeline in a process of its own: (start, end, received, counters,
    CPU seconds of this process)."""
    url, fmt, path, *rest = args
    options = rest[0] if rest else {}
    app = _app(url)
    with app.app_context():
        cpu = time.process_time()
        started = time.time()
        report = process_path(db.session, SystemClock(), EventBus(), SourceConfig("bench", fmt, options=options),
                              path, region="KE", operator_tz="Africa/Nairobi", commit=db.session.commit,
                              in_place=True)
        ended = time.time()
        cpu = time.process_time() - cpu
        db.session.remove()
        db.engine.dispose()
    return started, ended, report["received"], report, cpu


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    finally:
        engine.dispose()


def _polars_read(path: str) -> float:
    import polars as pl

    started = time.perf_counter()
    pl.read_csv(path, has_header=False, infer_schema=False, truncate_ragged_lines=True, quote_char='"')
    return time.perf_counter() - started


def bench(kind: str, fmt: str, records: int, runs: int, folder: str) -> dict:
    whole = generate(fmt, records, os.path.join(folder, fmt, "one"), files=1, seed=5)[0]
    halves = generate(fmt, records, os.path.join(folder, fmt, "two"), files=2, seed=6)
    single, cpu, baseline, baseline_cpu, double, polars, loads = [], [], [], [], [], [], []
    double_cpu, floor_bulk, floor_raw = [], [], []
    ctx = multiprocessing.get_context("spawn")
    with database(kind) as url:
        for _ in range(runs):
            loads.append(os.getloadavg()[0])
            _fresh_schema(url)
            with ctx.Pool(1) as pool:
                started, ended, received, report, seconds = pool.apply(_process, ((url, fmt, whole),))
            assert report["balanced"] and received == records, report
            single.append(received / (ended - started))
            cpu.append(seconds / received * 1e6)
            bulk_s, raw_s = storage_floor(url, report["records_out"], _count(url, "mediation_dedup_key"))
            floor_bulk.append(received / bulk_s)
            floor_raw.append(received / raw_s)
            if fmt.endswith("csv"):
                _fresh_schema(url)
                with ctx.Pool(1) as pool:
                    started, ended, received, other, seconds = pool.apply(
                        _process, ((url, fmt, whole, {"columnar": fmt != "generic-csv"}),))
                assert {k: other[k] for k in COUNTED} == {k: report[k] for k in COUNTED}, (other, report)
                baseline.append(received / (ended - started))
                baseline_cpu.append(seconds / received * 1e6)
            _fresh_schema(url)
            with ctx.Pool(2) as pool:
                results = pool.map(_process, [(url, fmt, path) for path in halves])
            wall = max(r[1] for r in results) - min(r[0] for r in results)
            double.append(sum(r[2] for r in results) / wall)
            double_cpu.append(sum(r[4] for r in results) / sum(r[2] for r in results) * 1e6)
            if fmt.endswith("csv"):
                polars.append(records / _polars_read(whole))
    row = {"db": kind, "format": fmt, "records": records, "runs": runs,
           "one_worker": statistics.median(single), "two_workers": statistics.median(double),
           "cpu_us": statistics.median(cpu), "per_record": statistics.median(baseline) if baseline else None,
           "per_record_cpu_us": statistics.median(baseline_cpu) if baseline_cpu else None,
           "polars_read": statistics.median(polars) if polars else None, "load": statistics.median(loads),
           "two_workers_cpu_us": statistics.median(double_cpu), "floor_bulk": statistics.median(floor_bulk),
           "floor_raw": statistics.median(floor_raw)}
    return row


# -- the storage floor --------------------------------------------------------------------------

def _floor_rows(count: int, file_id: int) -> list[tuple[int, Usage]]:
    """``count`` usage records shaped like the BER mix (voice, SMS, data), built in memory."""
    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    kinds = (("voice", "moCallRecord", 0), ("sms", "moSMSRecord", 1), ("data", "pGWRecord", 0))
    rows = []
    for i in range(count):
        service, record_type, messages = kinds[i % 3]
        data = service == "data"
        rows.append((file_id, Usage(i * 180 + 59, f"+2547{i % 10**8:08d}", service, "out",
                                    None if data else f"+25472{i % 10**6:07d}", start + dt.timedelta(seconds=i % 3600),
                                    (i % 600) if service != "sms" else 0, messages, i * 7 if data else 0,
                                    i * 31 if data else 0, False, None, f"639020/{i % 4096:04x}/{i % 65536:04x}",
                                    record_type)))
    return rows


def _floor_keys(count: int) -> list[tuple[bytes, dt.datetime]]:
    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    return [(hashlib.blake2b(i.to_bytes(8, "big"), digest_size=16).digest(), start + dt.timedelta(seconds=i % 3600))
            for i in range(count)]


def _floor_batches(session, rows: list, keys: list, file_id: int, raw: bool) -> float:
    """Seconds to write ``rows`` and ``keys`` in pipeline-sized batches, one commit each:
    through ``BulkWriter`` as the pipeline does (``raw`` False), or with the values already in
    the driver's input form (COPY text, executemany tuples) and no Python work at all."""
    size = BATCH_SIZE
    batches = [(rows[i:i + size], keys[i:i + size]) for i in range(0, max(len(rows), len(keys)), size)]
    prepared = []
    writer = BulkWriter(session)
    now = dt.datetime.now(dt.UTC)
    if raw:  # built before the clock starts: only the database's own work is timed
        first = 1
        for part, part_keys in batches:
            ids = list(range(first, first + len(part)))
            first += len(part)
            if writer.dialect == "postgresql":
                prepared.append((usage_rows_pg(ids, part, now).encode(), "".join(
                    f"\\\\x{key.hex()}\t{at.isoformat()}\t{file_id}\n" for key, at in sorted(part_keys)).encode()))
            else:
                prepared.append((usage_rows_sqlite(ids, part, now),
                                 [(key, at.isoformat(" ", "microseconds")[:26], file_id) for key, at in part_keys]))
    session.commit()
    started = time.perf_counter()
    for index, (part, part_keys) in enumerate(batches):
        writer = BulkWriter(session)
        if not raw:
            writer.claim_keys(part_keys, file_id)
            if part:
                writer.insert_usage(writer.next_ids("usage_record", len(part)), part, now)
        elif writer.dialect == "postgresql":
            usage_text, key_text = prepared[index]
            cursor = writer.raw.cursor()
            with cursor.copy(f"COPY usage_record ({', '.join(USAGE_COLUMNS)}) FROM STDIN") as copy:
                copy.write(usage_text)
            with cursor.copy("COPY mediation_dedup_key (key, seen_at, file_id) FROM STDIN") as copy:
                copy.write(key_text)
        else:
            usage_values, key_values = prepared[index]
            cursor = writer.raw.cursor()
            cursor.executemany(f"INSERT INTO usage_record ({', '.join(USAGE_COLUMNS)}) "  # noqa: S608
                               f"VALUES ({', '.join('?' * len(USAGE_COLUMNS))})", usage_values)
            cursor.executemany("INSERT INTO mediation_dedup_key (key, seen_at, file_id) VALUES (?, ?, ?)",
                               key_values)
        session.commit()
    return time.perf_counter() - started


def storage_floor(url: str, records_out: int, keys: int) -> tuple[float, float]:
    """Seconds the database alone takes to store a run's output (``records_out`` usage rows and
    ``keys`` duplicate-check keys, prebuilt): through the pipeline's bulk writer, and raw."""
    seconds = []
    for raw in (False, True):
        _fresh_schema(url)
        app = _app(url)
        with app.app_context():
            now = dt.datetime.now(dt.UTC)
            file = MediationFile(source="floor", format="floor", name="floor", path="floor", size=0,
                                 checksum=f"floor-{raw}", claimed_at=now)
            db.session.add(file)
            db.session.commit()
            rows, hashed = _floor_rows(records_out, file.id), _floor_keys(keys)
            seconds.append(_floor_batches(db.session, rows, hashed, file.id, raw))
            db.session.remove()
            db.engine.dispose()
    return seconds[0], seconds[1]


COUNTED = ("received", "distributed", "rejected", "filtered", "duplicates", "held", "records_out")
GOALS = {"3gpp-ber": 50_000}  # records/s end to end on this 2-core machine; CSV formats 250,000


def _line(row: dict) -> str:
    ratio = f"{row['polars_read'] / row['one_worker']:.1f}x" if row["polars_read"] else "n/a"
    polars = f"{row['polars_read']:,.0f}" if row["polars_read"] else "n/a"
    goal = GOALS.get(row["format"], 250_000)
    best = max(row["one_worker"], row["two_workers"])
    verdict = f"{'PASS' if best >= goal else 'FAIL'} ({best / goal:.0%} of {goal:,})"
    if row["per_record"]:
        baseline = (f"{row['per_record']:,.0f}, {row['per_record_cpu_us']:.1f} µs (CPU x"
                    f"{row['per_record_cpu_us'] / row['cpu_us']:.2f})")
    else:
        baseline = "n/a"
    floor = (f"{row['floor_bulk']:,.0f} / {row['floor_raw']:,.0f} | "
             f"{best / row['floor_raw']:.0%} | {'under' if row['floor_raw'] < goal else 'above'} the goal")
    return (f"| {row['db']} | {row['format']} | {row['records']:,} | {row['one_worker']:,.0f} | "
            f"{row['cpu_us']:.1f} | {baseline} | {row['two_workers']:,.0f} | {row['two_workers_cpu_us']:.1f} | "
            f"{polars} | {ratio} | {floor} | {row['load']:.1f} | {verdict} |")


HEADER = ("| db | format | records | one worker rec/s (median) | CPU µs/record | other path rec/s, "
          "CPU µs/record (default path x) | two workers rec/s | two workers CPU µs/record | polars read rec/s | "
          "polars / one worker | storage floor rec/s: bulk writer / raw | best / raw floor | raw floor vs goal | "
          "load | goal |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append", action="store_true", help="append the table to bench/RESULTS.md")
    options = parser.parse_args()
    kinds = ("sqlite", "postgresql") if options.db == "both" else (options.db,)
    header = HEADER
    print(header, flush=True)
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            for fmt in options.formats.split(","):
                line = _line(bench(kind, fmt, options.records, options.runs, folder))
                print(line, flush=True)
                lines.append(line)
    if options.append:
        load = os.getloadavg()[0]
        with open(RESULTS, "a", encoding="utf-8") as out:
            out.write(f"\n## Mediation end-to-end throughput ({dt.date(2026, 11, 25).isoformat()})\n\n"
                      f"`python -m bench.mediation_throughput --records {options.records} --runs {options.runs}` "
                      f"on {os.cpu_count()} cores, {platform.python_version()}, load average at the end "
                      f"{load:.1f} (other work shared the machine).\n\n{header}\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
