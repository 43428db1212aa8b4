"""Exactly once under ``kill -9``: ``flask mediation run`` is killed mid-file as a real
process, run again, and ends with the totals of an uninterrupted run, no record distributed
(or handed to rating) twice."""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from devtools.testdata.cdr_files import generate
from tests.conftest import _empty_tables

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOTALS = """
SELECT (SELECT coalesce(sum(received), 0) FROM mediation_file),
       (SELECT coalesce(sum(distributed), 0) FROM mediation_file),
       (SELECT coalesce(sum(rejected), 0) FROM mediation_file),
       (SELECT coalesce(sum(filtered), 0) FROM mediation_file),
       (SELECT coalesce(sum(duplicates), 0) FROM mediation_file),
       (SELECT coalesce(sum(held), 0) FROM mediation_file),
       (SELECT coalesce(sum(records_out), 0) FROM mediation_file),
       (SELECT count(*) FROM usage_record),
       (SELECT coalesce(sum(volume_down), 0) FROM usage_record),
       (SELECT coalesce(sum(duration_s), 0) FROM usage_record),
       (SELECT count(*) FROM mediation_reject),
       (SELECT count(*) FROM mediation_partial)
"""


def _command(database_url: str, paths: list[str], batch_size: int) -> tuple[list[str], dict]:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-only-secret", "LOG_LEVEL": "WARNING",
           "DEMO_DATA": "0"}
    env.pop("CELERY_BROKER_URL", None)
    args = [sys.executable, "-m", "flask", "--app", "wsgi", "mediation", "run", "--json", "--format", "generic-csv",
            "--batch-size", str(batch_size), *paths]
    return args, env


def _totals(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(int(v) for v in conn.execute(sa.text(TOTALS)).one())


def test_kill_9_mid_run_then_rerun_matches_an_uninterrupted_run(app, schema, database_url, tmp_path):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    paths = generate("generic-csv", 20_000, str(tmp_path), files=2, seed=11, bad=0.02, duplicates=0.02,
                     partials=0.1, start=start)
    engine = sa.create_engine(database_url)
    try:
        args, env = _command(database_url, paths, 500)
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        uninterrupted = _totals(engine)
        assert uninterrupted[0] == 20_000 and uninterrupted[6] < uninterrupted[1]  # partials were merged
        _empty_tables(schema)

        victim = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        with engine.connect() as conn:
            while time.monotonic() < deadline:
                progress = conn.execute(sa.text("SELECT coalesce(sum(checkpoint), 0) FROM mediation_file")).scalar()
                conn.commit()
                if progress >= 3000 or victim.poll() is not None:
                    break
                time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        killed = _totals(engine)
        assert victim.returncode == -signal.SIGKILL, "the run ended before it could be killed"
        assert 0 < killed[0] < 20_000  # part of the work is committed, not all

        resumed = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert _totals(engine) == uninterrupted
        with engine.connect() as conn:
            lineage_twice = conn.execute(sa.text(
                "SELECT count(*) FROM (SELECT file_id, record_offset, split FROM usage_record "
                "GROUP BY file_id, record_offset, split HAVING count(*) > 1) AS t")).scalar()
            handed_twice = conn.execute(sa.text(
                "SELECT count(*) FROM (SELECT usage_id FROM rating_error GROUP BY usage_id HAVING count(*) > 1) t"
            )).scalar() if "rating_error" in schema else 0
            files = conn.execute(sa.text("SELECT state, count(*) FROM mediation_file GROUP BY state")).all()
        assert lineage_twice == 0 and handed_twice == 0
        assert files == [("done", 2)]
    finally:
        engine.dispose()
