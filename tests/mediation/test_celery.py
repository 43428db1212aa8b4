"""Files as Celery tasks on Redis: ``flask mediation run`` with ``CELERY_BROKER_URL`` set hands
each claimed file to a real worker process and prints the workers' summaries."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.mediation.conftest import ASTERISK_OPTIONS, FIXTURES

ROOT = pathlib.Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_run_with_a_broker_processes_files_in_a_celery_worker(app, session, database_url, tmp_path):
    queue = f"bss-test-{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-only-secret", "LOG_LEVEL": "WARNING",
           "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0", "CELERY_QUEUE": queue, "DEMO_DATA": "0"}
    inbox = tmp_path / "inbox"
    options = {**ASTERISK_OPTIONS, "max_age_days": 10_000}  # the worker runs on the real clock
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "mediation"]
    added = subprocess.run([*flask, "sources", "add", "pbx", "--format", "asterisk-csv", "--inbox", str(inbox),
                            "--options", json.dumps(options)], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    shutil.copy(FIXTURES / "asterisk-Master.csv", inbox / "Master-1.csv")
    shutil.copy(FIXTURES / "asterisk-Master-16col.csv", inbox / "Master-2.csv")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "gateway.tasks", "worker", "-Q", queue,
                               "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                               "-l", "WARNING", "-n", f"{queue}@%h"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        done = subprocess.run([*flask, "run", "--json"], env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        reports = json.loads(done.stdout)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert [(r["file"], r["received"], r["distributed"], r["balanced"]) for r in reports] == [
        ("Master-1.csv", 10, 3, True), ("Master-2.csv", 2, 1, True)]
    assert sorted(p.name for p in (inbox / "archive").iterdir()) == ["Master-1.csv", "Master-2.csv"]
    session.expire_all()
    assert session.scalar(sa.text("SELECT count(*) FROM usage_record")) == 4
