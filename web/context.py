"""The collaborators the gateway wires per app, as routes and commands reach them."""
from __future__ import annotations

from flask import current_app

from core.clock import Clock
from core.events import EventBus
from core.settings import Settings


def clock() -> Clock:
    return current_app.extensions["bss.clock"]


def events() -> EventBus:
    return current_app.extensions["bss.events"]


def settings() -> Settings:
    return current_app.extensions["bss.settings"]
