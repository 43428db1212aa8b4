"""The Celery worker's entry point: the tasks, run inside a Flask app built once per worker.

    CELERY_BROKER_URL=redis://host:6379/0 celery -A gateway.tasks worker -Q bss

Results travel back through ``CELERY_RESULT_BACKEND`` (default: the broker); ``CELERY_QUEUE``
names the queue (default ``bss``), so several installations can share one Redis. Senders
(``gateway/executors.py``) address these tasks by name and never import this module.
"""
from __future__ import annotations

import os
from typing import Any

from flask import Flask

from gateway.app import create_app
from gateway.config import load_env_file
from gateway.executors import PROCESS_FILE, celery_app, configure
from gateway.wiring.mediation import process_job

celery = celery_app()  # ``celery -A gateway.tasks`` finds it here
_worker_app: Flask | None = None


@celery.on_after_configure.connect
def _from_environment(sender, **_kwargs) -> None:
    load_env_file()
    broker = os.environ.get("CELERY_BROKER_URL")
    if broker:  # a worker: the same settings as the sender, results included
        configure(broker)


def _app() -> Flask:
    """The Flask app of this worker process, built on its first task."""
    global _worker_app
    if _worker_app is None:
        _worker_app = create_app()
    return _worker_app


@celery.task(name=PROCESS_FILE)
def process_file_task(job: dict[str, Any]) -> dict[str, Any]:
    with _app().app_context():
        return process_job(job)
