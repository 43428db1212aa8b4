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
Rating is not included (it has its own benchmark): the sink only records distribution.
``--append`` adds the figures to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Iterator

from core.clock import SystemClock
from core.db import db
from core.events import EventBus
from core.settings import Settings
from devtools.scratch_db import scratch_postgres, scratch_sqlite
from gateway import create_app
from mediation.generate import generate
from mediation.service import process_path
from mediation.sources import SourceConfig

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
FORMATS = ("asterisk-csv", "generic-csv", "3gpp-ber")
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A throw-away database URL: a temp SQLite file, or a fresh database on ``BENCH_PG_URL``."""
    if kind == "sqlite":
        with scratch_sqlite() as url:
            yield url
        return
    with scratch_postgres(os.environ.get("BENCH_PG_URL", PG_DEFAULT), f"bench_mediation_{os.getpid()}") as url:
        yield url


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


def _polars_read(path: str) -> float:
    import polars as pl

    started = time.perf_counter()
    pl.read_csv(path, has_header=False, infer_schema=False, truncate_ragged_lines=True, quote_char='"')
    return time.perf_counter() - started


def bench(kind: str, fmt: str, records: int, runs: int, folder: str) -> dict:
    whole = generate(fmt, records, os.path.join(folder, fmt, "one"), files=1, seed=5)[0]
    halves = generate(fmt, records, os.path.join(folder, fmt, "two"), files=2, seed=6)
    single, cpu, baseline, baseline_cpu, double, polars, loads = [], [], [], [], [], [], []
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
            if fmt.endswith("csv"):
                polars.append(records / _polars_read(whole))
    row = {"db": kind, "format": fmt, "records": records, "runs": runs,
           "one_worker": statistics.median(single), "two_workers": statistics.median(double),
           "cpu_us": statistics.median(cpu), "per_record": statistics.median(baseline) if baseline else None,
           "per_record_cpu_us": statistics.median(baseline_cpu) if baseline_cpu else None,
           "polars_read": statistics.median(polars) if polars else None, "load": statistics.median(loads)}
    return row


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
    return (f"| {row['db']} | {row['format']} | {row['records']:,} | {row['one_worker']:,.0f} | "
            f"{row['cpu_us']:.1f} | {baseline} | {row['two_workers']:,.0f} | {polars} | {ratio} | "
            f"{row['load']:.1f} | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append", action="store_true", help="append the table to bench/RESULTS.md")
    options = parser.parse_args()
    kinds = ("sqlite", "postgresql") if options.db == "both" else (options.db,)
    header = ("| db | format | records | one worker rec/s (median) | CPU µs/record | other path rec/s, "
              "CPU µs/record (default path x) | two workers rec/s | polars read rec/s | polars / one worker | "
              "load | goal |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|")
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
