"""Loading a large number-prefix table: CSV import, then the matcher rating builds from it.

    .venv/bin/python -m bench.prefix_load [--db sqlite,postgresql] [--prefixes 100000] [--runs 3]

For each database and run: a tariff version with three zones, ``--prefixes`` random prefixes
(5 to 9 digits) as ``prefix,zone`` CSV, timed through ``load_prefixes_csv`` and its commit (the
import: parse, check every row, bulk insert), then ``compile_version`` on a cold cache (the
load into the matcher: read the rows, build the longest-prefix table). Prints medians of wall
and this process's CPU time (the database server's not counted; steadier on a shared machine)
against the goal (under a second) and, as the baseline measured in the same run, the storage
floor of each step: the same rows bulk-inserted already parsed and checked, and the bare
``SELECT`` of them through the driver's cursor. Neither step can run faster than its floor.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time

import sqlalchemy as sa

from catalog.tariffs import service as tariffs
from catalog.tariffs.compiled import clear_cache, compile_version
from catalog.tariffs.models import TariffPrefix
from core.bulk import bulk_insert
from core.clock import FixedClock
from core.db import db
from core.events import EventBus
from core.settings import Settings
from devtools.scratch_db import bench_database
from gateway import create_app

GOAL_S = 1.0
ZONES = (("national", "national"), ("mobile", "mobile"), ("intl", "international"))


def _prefixes(count: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    rows: dict[str, str] = {}
    while len(rows) < count:
        rows[str(rng.randrange(10**4, 10**9))] = rng.choice([code for code, _ in ZONES])
    return rows


def _version(session, clock, code: str):
    tariff = tariffs.create_tariff(session, clock, code=code, name=code, currency="KES")
    version = tariffs.add_version(session, clock, tariff, effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    for zone, kind in ZONES:
        tariffs.add_zone(session, clock, version, code=zone, name=zone, kind=kind)
    session.commit()
    return version


def _timed(work) -> tuple[float, float]:
    began, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - began, time.process_time() - cpu


def _read_floor(session, version_id: int) -> None:
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(f"SELECT plan, prefix, zone_code FROM tariff_prefix WHERE version_id = {mark}",  # noqa: S608
                       (version_id,))
        cursor.fetchall()
    finally:
        cursor.close()


def measure(kind: str, args) -> dict:
    clock = FixedClock(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    figures: dict[str, list[float]] = {name: [] for name in (
        "import", "import_cpu", "insert_floor", "load", "load_cpu", "read_floor")}
    with bench_database(kind, f"bench_prefix_{os.getpid()}") as url:
        settings = Settings.from_env({"DATABASE_URL": url, "SECRET_KEY": "bench", "CURRENCY": "KES",
                                      "DEFAULT_REGION": "KE", "LOG_LEVEL": "WARNING"})
        app = create_app(settings, clock=clock, events=EventBus(), instance_path=tempfile.mkdtemp())
        with app.app_context():
            session = db.session
            db.create_all()
            load_before = os.getloadavg()[0]
            for run in range(args.runs):
                rows = _prefixes(args.prefixes, seed=run)
                text = "prefix,zone\n" + "\n".join(f"{prefix},{zone}" for prefix, zone in rows.items())
                version = _version(session, clock, f"BENCH-{run}")

                def load_csv(version=version, text=text) -> None:
                    tariffs.load_prefixes_csv(session, clock, version, text)
                    session.commit()

                wall, cpu = _timed(load_csv)
                figures["import"].append(wall)
                figures["import_cpu"].append(cpu)
                clear_cache()
                wall, cpu = _timed(lambda version=version: compile_version(session, version))
                figures["load"].append(wall)
                figures["load_cpu"].append(cpu)
                figures["read_floor"].append(_timed(lambda version=version: _read_floor(session, version.id))[0])
                session.rollback()

                floor = _version(session, clock, f"FLOOR-{run}")
                ready = [(floor.id, "number", prefix, zone) for prefix, zone in rows.items()]

                def insert_floor(ready=ready) -> None:
                    bulk_insert(session, TariffPrefix.__table__, ("version_id", "plan", "prefix", "zone_code"), ready)
                    session.commit()

                figures["insert_floor"].append(_timed(insert_floor)[0])
                count = session.scalar(sa.select(sa.func.count(TariffPrefix.id))
                                       .where(TariffPrefix.version_id == version.id))
                assert count == args.prefixes, count  # the import stored every row
            load_after = os.getloadavg()[0]
            session.remove()
            db.engine.dispose()
    medians = {name: statistics.median(values) for name, values in figures.items()}
    return {"db": kind, **medians, "load_avg": (load_before, load_after)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--prefixes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Prefix table of {args.prefixes:,} prefixes, medians of {args.runs} runs (goal: each step < {GOAL_S:.0f} s)")
    for kind in args.db.split(","):
        m = measure(kind.strip(), args)
        print(f"{m['db']:<11} import {m['import']:.3f} s ({m['import_cpu']:.3f} s CPU) "
              f"{'PASS' if m['import'] < GOAL_S else 'MISS'}  | floor (bulk insert, parsed and checked) "
              f"{m['insert_floor']:.3f} s -> x{m['import'] / m['insert_floor']:.1f}")
        print(f"{'':<11} load into the matcher {m['load']:.3f} s ({m['load_cpu']:.3f} s CPU) "
              f"{'PASS' if m['load'] < GOAL_S else 'MISS'}  | floor (bare SELECT of the rows) "
              f"{m['read_floor']:.3f} s -> x{m['load'] / m['read_floor']:.1f}  "
              f"load average {m['load_avg'][0]:.2f} -> {m['load_avg'][1]:.2f}")


if __name__ == "__main__":
    main()
