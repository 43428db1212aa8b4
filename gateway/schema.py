"""The database schema's migrations (Alembic, through Flask-Migrate), set up when first used.

Alembic is the heaviest import a command can pay (about a third of a second), and only
``flask db ...``, ``make run`` and the tests' set-up need it; so ``create_app`` registers a
``db`` command that loads Flask-Migrate's when it is run or asked for help, and
``upgrade_schema`` sets Flask-Migrate up on its first call.
"""
from __future__ import annotations

import logging
import os

import click
from flask import Flask

from core.db import db

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def ensure_migrate(app: Flask) -> None:
    """Flask-Migrate on ``app`` (once): ``app.extensions["migrate"]`` and the real ``db`` commands."""
    if "migrate" not in app.extensions:
        # Alembic announces each of its plugins at INFO as it loads; that is no news to a person.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        from flask_migrate import Migrate

        Migrate(app, db, directory=MIGRATIONS, render_as_batch=True)


def upgrade_schema(app: Flask, revision: str = "head") -> None:
    """Bring the database to ``revision`` (inside an app context of ``app``)."""
    ensure_migrate(app)
    from flask_migrate import upgrade

    upgrade(directory=MIGRATIONS, revision=revision)


class LazyDbCommands(click.Group):
    """``flask db``: Flask-Migrate's command group, loaded on first use."""

    def __init__(self, app: Flask):
        super().__init__("db", help="Perform database migrations (Flask-Migrate and Alembic).",
                         short_help="Perform database migrations.")
        self.app = app

    def _real(self) -> click.Group:
        ensure_migrate(self.app)
        from flask_migrate.cli import db as commands

        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._real().get_command(ctx, name)


def register_db_commands(app: Flask) -> None:
    app.cli.add_command(LazyDbCommands(app))
