"""What a channel handler needs at run time, as the gateway wired it for this app.

Handlers reach their collaborators through ``collaborators()``, never through ``web`` or the
gateway: the gateway builds one ``Collaborators`` per app and keeps it in the app's extensions.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from core.clock import Clock
from core.events import EventBus
from core.settings import Settings
from crm.conversations.outbound import OutboundRegistry
from crm.selfservice.service import SelfService

EXTENSION = "bss.channels"


@dataclass(frozen=True)
class Collaborators:
    clock: Clock
    events: EventBus
    settings: Settings
    selfservice: SelfService
    outbound: OutboundRegistry


def install(app: Flask, wired: Collaborators) -> None:
    app.extensions[EXTENSION] = wired


def collaborators(app: Flask | None = None) -> Collaborators:
    """The collaborators of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]
