"""The migrations build exactly the schema the models describe, and go down and up again.

Runs on a fresh SQLite file, and on a scratch PostgreSQL database when ``DATABASE_URL`` names
PostgreSQL. A model change without its migration shows up here as a non-empty diff.
"""
from __future__ import annotations

import os
import pathlib
import pprint

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from core.db import db
from core.settings import Settings
from devtools.scratch_db import scratch_postgres
from gateway import create_app
from gateway.schema import MIGRATIONS, ensure_migrate
from tests.conftest import make_settings


def has_migrations(directory: str = MIGRATIONS) -> bool:
    return any(pathlib.Path(directory, "versions").glob("*.py"))


def require_migrations() -> None:
    # Until the lead writes the initial migration there is nothing to check; CI must not
    # pass quietly that way.
    if not has_migrations():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("no migrations yet: migrations/versions/ is empty (`make migrate MSG=...`)")
        pytest.skip("no migrations yet")


def _postgres_base_url() -> sa.URL | None:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql")):
        return None
    return sa.engine.make_url(Settings.from_env({"DATABASE_URL": base}).database_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request, tmp_path):
    """The URL of an empty database, made for this test and removed after it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    url = _postgres_base_url()
    if url is None:
        pytest.skip("DATABASE_URL is not PostgreSQL")
    with scratch_postgres(url.render_as_string(hide_password=False), f"bss_migrations_{os.getpid()}") as scratch:
        yield scratch


def schema_diff() -> list:
    """What ``flask db migrate`` would write now: the models against the database."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def tables_in_database() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def check_migrations(database_url: str, instance_path: str, directory: str = MIGRATIONS) -> None:
    """Upgrade a fresh database, compare it with the models, go down to base and up again."""
    app = create_app(make_settings(database_url), instance_path=instance_path)
    ensure_migrate(app)
    with app.app_context():
        try:
            assert tables_in_database() == set()
            upgrade(directory=directory)
            diff = schema_diff()
            assert diff == [], "models and migrations differ:\n" + pprint.pformat(diff)
            assert tables_in_database() == set(db.metadata.tables)

            downgrade(directory=directory, revision="base")
            assert tables_in_database() == set(), "downgrade to base left tables behind"

            upgrade(directory=directory)
            diff = schema_diff()
            assert diff == [], "after downgrade and upgrade:\n" + pprint.pformat(diff)
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.smoke
def test_migrations_build_the_models_schema_and_reverse(fresh_database, tmp_path):
    require_migrations()
    check_migrations(fresh_database, str(tmp_path / "instance"))
