"""Fixtures: an app on the test database (PostgreSQL when ``DATABASE_URL`` says so, else a
SQLite file), a schema built through the migrations, clean tables for every test, an API client
that carries a real bearer token, and a fixed clock.
"""
from __future__ import annotations

import datetime as dt
import os
import pathlib

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings

from core.clock import UTC, FixedClock
from core.db import db
from core.events import RecordingBus
from core.settings import Settings
from devtools.scratch_db import scratch_postgres
from gateway import create_app
from gateway.schema import MIGRATIONS, upgrade_schema
from web.api.keys import create_api_key

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

# Property tests explore new inputs on every developer's run; CI replays the same ones, so a
# red build always names a change, not a lucky draw.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database of this test process's own: a fresh PostgreSQL database (dropped at the end)
    when ``DATABASE_URL`` names PostgreSQL, else a SQLite file."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql")):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'bss.sqlite3'}"
        return
    with scratch_postgres(base, f"bss_test_{os.getpid()}") as url:
        yield url


def make_settings(database_url: str, **overrides: str) -> Settings:
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "test-only-secret", "CURRENCY": "KES",
           "DEFAULT_REGION": "KE", "LOG_LEVEL": "WARNING", **overrides}
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def schema(database_url, tmp_path_factory):
    """Build the schema once per worker, through the Alembic migrations when there are any."""
    app = create_app(make_settings(database_url), instance_path=str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        # BSS_TEST_SCHEMA=create_all builds from the models while new models await their
        # migration; tests/test_migrations.py still proves the migrations match the models.
        use_models = os.environ.get("BSS_TEST_SCHEMA") == "create_all"
        if not use_models and any(pathlib.Path(MIGRATIONS, "versions").glob("*.py")):
            upgrade_schema(app)
        else:
            db.create_all()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        db.session.remove()
    return tables


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def events() -> RecordingBus:
    return RecordingBus()


@pytest.fixture
def app(database_url, schema, clock, events, tmp_path):
    app = create_app(make_settings(database_url), clock=clock, events=events,
                     instance_path=str(tmp_path / "instance"), config={"TESTING": True})
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        _empty_tables(schema)


def _empty_tables(tables: list[str]) -> None:
    engine = db.engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t}"' for t in tables if t != "alembic_version")
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                if table != "alembic_version":
                    conn.execute(sa.text(f'DELETE FROM "{table}"'))
            conn.execute(sa.text("PRAGMA foreign_keys=ON"))
    # Each test's app has an engine of its own: close its pooled connections now rather than
    # when it is collected, so parallel runs stay well under the server's connection limit.
    engine.dispose()


@pytest.fixture
def session(app):
    """The app's database session, as services receive it."""
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


class ApiClient:
    """The test client with a real API key in the ``Authorization`` header."""

    def __init__(self, client, token: str):
        self.client = client
        self.token = token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url, **kw):
        return self.client.patch(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def api(app, client, clock) -> ApiClient:
    _key, token = create_api_key(db.session, clock, "tests")
    db.session.commit()
    return ApiClient(client, token)
