"""Throw-away databases for tests and benchmarks: a fresh PostgreSQL database next to the one
named by a URL (dropped afterwards, even if connections are still open), or a temp SQLite file."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

import sqlalchemy as sa

from core.settings import Settings


@contextlib.contextmanager
def scratch_postgres(base_url: str, name: str) -> Iterator[str]:
    """Create database ``name`` on the server of ``base_url``; yield its URL; drop it."""
    url = sa.engine.make_url(Settings.from_env({"DATABASE_URL": base_url}).database_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    drop = sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()


@contextlib.contextmanager
def scratch_sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/scratch.sqlite3"


BENCH_PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def bench_database(kind: str, name: str) -> Iterator[str]:
    """A benchmark's throw-away database: a temp SQLite file (``kind == "sqlite"``), or database
    ``name`` beside the one ``BENCH_PG_URL`` names (default: the local server)."""
    if kind == "sqlite":
        with scratch_sqlite() as url:
            yield url
        return
    with scratch_postgres(os.environ.get("BENCH_PG_URL", BENCH_PG_DEFAULT), name) as url:
        yield url
