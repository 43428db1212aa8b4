"""The app factory."""
from __future__ import annotations

import logging
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

import gateway.models  # noqa: F401  (the whole schema, for Alembic and create_all)
from core.clock import Clock, SystemClock
from core.db import db
from core.events import EventBus
from core.settings import Settings
from gateway.cli import register_commands
from gateway.config import flask_config
from gateway.schema import register_db_commands
from gateway.wiring.channels import wire_channels
from gateway.wiring.mediation import check_sink
from orders.provisioning import adapter_from_settings
from web.api import register_api
from web.api.errors import register_error_handlers
from web.cookie_sessions import OnDemandCookieSessions
from web.json_provider import DecimalJSONProvider
from web.pages import register_pages


def create_app(settings: Settings | None = None, *, clock: Clock | None = None,
               events: EventBus | None = None, instance_path: str | None = None,
               config: dict | None = None) -> Flask:
    """Build the app. Nothing connects to the database, or to any outside service, until a
    request or command needs it; a configuration this build cannot honour raises
    ``gateway.config.ConfigurationError`` here, before anything serves."""
    app = Flask("gateway", instance_path=instance_path or os.path.abspath("instance"),
                root_path=os.path.dirname(os.path.abspath(__file__)))
    settings = settings or Settings.from_env(instance_path=app.instance_path)
    app.config.from_mapping(flask_config(settings, app.instance_path))
    app.config.update(config or {})
    app.json = DecimalJSONProvider(app)
    app.session_interface = OnDemandCookieSessions()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app.extensions["bss.settings"] = settings
    app.extensions["bss.clock"] = clock or SystemClock()
    app.extensions["bss.events"] = events or EventBus()
    app.extensions["bss.provisioning"] = adapter_from_settings(settings)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    db.init_app(app)
    register_db_commands(app)

    register_error_handlers(app)
    register_api(app)
    register_pages(app)
    wire_channels(app)
    check_sink(app)
    register_commands(app)
    return app


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers work during a write.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
