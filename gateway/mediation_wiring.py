"""Mediation wired to the rest of the gateway: rating as its distribution sink, and one
function that processes a file as a task (in process, or in a Celery worker)."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from core.db import db
from mediation.distribute import set_states
from mediation.pipeline import Sink
from mediation.service import process_path
from mediation.sources import SourceConfig


def rating_sink(app: Flask) -> Sink | None:
    """Billing's batch rating as mediation's sink when billing has it; the records' state
    then follows each one's rating outcome."""
    try:
        batch = importlib.import_module("billing.rating.batch")
    except ModuleNotFoundError:
        return None
    if app.config.get("MEDIATION_RATE", True) is False:
        return None
    clock, events = app.extensions["bss.clock"], app.extensions["bss.events"]

    def rate(session, usage_events) -> None:
        summary = batch.rate_usage(session, clock, events, usage_events, source="mediation")
        states = {usage_id: outcome.status for usage_id, outcome in summary.outcomes.items()
                  if outcome.status in ("rated", "rating_error")}
        set_states(session, states)

    return rate


def process_job(job: dict[str, Any], progress: Callable[[], None] | None = None) -> dict[str, Any]:
    """Process one claimed file inside the current app; commits each batch. ``job`` is plain
    JSON (it crosses the Celery broker): the source's settings, the path, ``in_place``."""
    app = current_app._get_current_object()
    settings = app.extensions["bss.settings"]
    source = SourceConfig(**job["source"])
    try:
        return process_path(db.session, app.extensions["bss.clock"], app.extensions["bss.events"], source,
                            job["path"], region=settings.default_region, operator_tz=settings.operator_timezone,
                            sink=rating_sink(app), commit=db.session.commit, in_place=job.get("in_place", False),
                            batch_size=job.get("batch_size"), progress=progress)
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.remove()
