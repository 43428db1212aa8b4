"""Where background work runs: in this process by default, or as Celery tasks on Redis when
``CELERY_BROKER_URL`` is set, so several worker machines share the load. The task code is
the same either way (``gateway/tasks.py`` runs it in a worker); only the executor differs.

The sending side names tasks by name, so it never imports the worker's module (which builds
an app of its own).
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

PROCESS_FILE = "mediation.process_file"


@functools.cache
def celery_app() -> Celery:
    """The Celery app, made on first use: importing Celery costs a tenth of a second that only
    installations with a broker, and the worker, should pay. No connection is made here."""
    from celery import Celery

    return Celery("bss")


def configure(broker: str) -> Celery:
    celery = celery_app()
    celery.conf.update(broker_url=broker, result_backend=os.environ.get("CELERY_RESULT_BACKEND") or broker,
                       task_serializer="json", result_serializer="json", accept_content=["json"],
                       task_acks_late=True, worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True,
                       task_default_queue=os.environ.get("CELERY_QUEUE") or "bss")
    return celery


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

    def __init__(self, broker: str, task: str = PROCESS_FILE, timeout: float = 3600):
        configure(broker)
        self.task = task
        self.timeout = timeout

    def map(self, jobs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        pending = [celery_app().send_task(self.task, args=[job]) for job in jobs]
        for result in pending:
            yield result.get(timeout=self.timeout)


def executor(settings, run: Callable[[dict[str, Any]], dict[str, Any]]):
    broker = settings.extra.get("CELERY_BROKER_URL") or ""
    return CeleryExecutor(broker) if broker else InlineExecutor(run)
