"""``make run``: migrate, seed the demo operator on first start, and serve on one process,
which also holds the long-lived links the configuration asks for (an SMSC bind).

Production runs ``gunicorn wsgi:app`` behind a proxy instead, with ``flask db upgrade`` as a
release step (the app factory itself never migrates) and each link in a process of its own
(``flask --app wsgi channels smpp``).
"""
from __future__ import annotations

import logging

from werkzeug.serving import run_simple

from core.db import db
from gateway.app import create_app
from gateway.config import ConfigurationError, load_env_file
from gateway.demo import is_seeded, seed_demo
from gateway.links import SmppService, needs_smpp
from gateway.schema import upgrade_schema
from web.api.keys import create_api_key
from web.context import clock, settings

log = logging.getLogger("gateway.serve")


def prepare(app) -> str | None:
    """Bring the schema up to date and seed demo data once; returns a fresh API token then."""
    with app.app_context():
        upgrade_schema(app)
        if not settings().demo_data or is_seeded(db.session):
            return None
        report = seed_demo(db.session, clock(), settings())
        _key, token = create_api_key(db.session, clock(), "demo")
        db.session.commit()
        print(report)
        return token


def main() -> None:
    load_env_file()
    try:
        app = create_app()
    except ConfigurationError as error:
        raise SystemExit(f"Configuration error: {error}") from None
    conf = app.extensions["bss.settings"]
    token = prepare(app)
    links = [SmppService(app).start()] if needs_smpp(app) else []
    url = f"http://{conf.host}:{conf.port}"
    print(f"\nBSS is serving on {url}  (API docs: {url}/api/docs; Ctrl-C stops)")
    if token:
        print("API token for the demo (shown once; `flask --app wsgi apikeys create NAME` makes more):")
        print(token)
    try:
        run_simple(conf.host, conf.port, app, threaded=True, use_reloader=False, use_debugger=False)
    except KeyboardInterrupt:
        pass
    finally:
        for link in links:
            link.stop()
    print("Stopped.")


if __name__ == "__main__":
    main()
