"""``flask notifications send``: hand queued customer messages to their channels.

Requests and commands send what they queue themselves; this is for messages left queued by a
provider outage or a crashed worker, and for a scheduler to run every minute.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.db import db

notifications = AppGroup("notifications", help="Customer notifications (SMS and other channels).")


@notifications.command("send")
def send() -> None:
    """Send every queued message of the registered channels, oldest first."""
    sent = current_app.extensions["bss.outbound"].dispatch_committed(db.engine, current_app.extensions["bss.clock"])
    click.echo(f"{sent} message(s) sent")
