"""``flask channels``: the customer channels this app runs, and the processes that hold their links."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from channels.registry import CHANNELS
from gateway.config import chosen
from gateway.links import SmppService, needs_smpp

channels = AppGroup("channels", help="Customer channels: what is on, and the SMSC link.")


@channels.command("list")
def list_channels() -> None:
    """The channels this build has, and which are switched on (``CHANNELS``)."""
    raw = current_app.extensions["bss.settings"].value("CHANNELS")
    on = set(chosen("CHANNELS", raw, list(CHANNELS), default=list(CHANNELS)))
    for name, channel in CHANNELS.items():
        click.echo(f"{name:8} {'on ' if name in on else 'off'}  {channel.title}")


@channels.command("smpp")
def smpp() -> None:
    """Hold the SMSC bind: answer MO messages, record receipts, send queued SMS (until Ctrl-C).

    Run exactly one of these per SMSC account when ``SMS_OUTBOUND=smpp``; web and task
    processes queue SMS for it."""
    if not needs_smpp(current_app):
        raise click.UsageError("SMS_OUTBOUND is not smpp: there is no SMSC link to hold")
    service = SmppService(current_app._get_current_object())
    click.echo(f"Binding to {service.link.config.host}:{service.link.config.port}; Ctrl-C stops.")
    service.serve_forever()
    click.echo("Stopped.")
