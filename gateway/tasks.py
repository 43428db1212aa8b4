"""Where background work runs: in this process by default, or as Celery tasks on Redis when
``CELERY_BROKER_URL`` is set, so several worker machines share the load. The task code is
the same either way; only the executor differs.

A worker: ``CELERY_BROKER_URL=redis://host:6379/0 celery -A gateway.tasks worker -Q bss``.
Results travel back through ``CELERY_RESULT_BACKEND`` (default: the broker); ``CELERY_QUEUE``
names the queue (default ``bss``), so several installations can share one Redis.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from celery import Celery

celery = Celery("bss")  # configured on first use (no connection is made here)
_worker_app = None


def _configure(broker: str) -> Celery:
    celery.conf.update(broker_url=broker, result_backend=os.environ.get("CELERY_RESULT_BACKEND") or broker,
                       task_serializer="json", result_serializer="json", accept_content=["json"],
                       task_acks_late=True, worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True,
                       task_default_queue=os.environ.get("CELERY_QUEUE") or "bss")
    return celery


@celery.on_after_configure.connect
def _from_environment(sender, **_kwargs) -> None:
    broker = os.environ.get("CELERY_BROKER_URL")
    if broker:  # a worker: the same settings as the sender, results included
        _configure(broker)


def _app():
    """The Flask app of a worker process, built once."""
    global _worker_app
    if _worker_app is None:
        from gateway.app import create_app

        _worker_app = create_app()
    return _worker_app


@celery.task(name="mediation.process_file")
def process_file_task(job: dict[str, Any]) -> dict[str, Any]:
    from gateway.mediation_wiring import process_job

    with _app().app_context():
        return process_job(job)


class InlineExecutor:
    """Runs each job here, one after another."""

    name = "inline"

    def __init__(self, run: Callable[[dict[str, Any]], dict[str, Any]]):
        self.run = run

    def map(self, jobs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for job in jobs:
            yield self.run(job)


class CeleryExecutor:
    """Sends every job to the broker at once, then yields results in order as workers finish."""

    name = "celery"

    def __init__(self, broker: str, timeout: float = 3600):
        _configure(broker)
        self.timeout = timeout

    def map(self, jobs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        pending = [process_file_task.delay(job) for job in jobs]
        for result in pending:
            yield result.get(timeout=self.timeout)


def executor(settings, run: Callable[[dict[str, Any]], dict[str, Any]]):
    broker = settings.extra.get("CELERY_BROKER_URL") or ""
    return CeleryExecutor(broker) if broker else InlineExecutor(run)
