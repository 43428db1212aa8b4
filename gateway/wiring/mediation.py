"""Mediation wired to the rest of the gateway: the sink distributed usage goes to (billing's
batch rating unless ``MEDIATION_SINK=none``), and one function that processes a file as a task
(in process, or in a Celery worker)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from billing.rating.batch import rate_usage
from billing.rating.thresholds import Thresholds, low_balance_thresholds
from core.db import db
from gateway.config import ConfigurationError, one_of
from mediation.distribute import set_states
from mediation.pipeline import Sink
from mediation.service import process_path
from mediation.sources import SourceConfig

SINKS = ("rating", "none")


def check_sink(app: Flask) -> str:
    """The configured sink's name; an unknown one stops start-up, as does a malformed
    ``LOW_BALANCE_THRESHOLDS`` (rating reads it)."""
    thresholds(app)
    return one_of("MEDIATION_SINK", app.extensions["bss.settings"].value("MEDIATION_SINK"), SINKS)


def thresholds(app: Flask) -> Thresholds:
    """The per-currency low-balance lines rating tells customers at: the defaults under
    ``LOW_BALANCE_THRESHOLDS``."""
    try:
        return low_balance_thresholds(app.extensions["bss.settings"].value("LOW_BALANCE_THRESHOLDS"))
    except ValueError as error:
        raise ConfigurationError(str(error)) from None


def rating_sink(app: Flask) -> Sink | None:
    """Billing's batch rating as mediation's sink (the records' state then follows each one's
    rating outcome), or None when usage is left distributed for an outside rating engine."""
    if check_sink(app) == "none":
        return None
    clock, events, low_balance = app.extensions["bss.clock"], app.extensions["bss.events"], thresholds(app)

    def rate(session, usage_events) -> None:
        summary = rate_usage(session, clock, events, usage_events, source="mediation", low_balance=low_balance)
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
