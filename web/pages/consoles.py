"""The browser consoles the landing page links to, as each one comes into being.

A console's module calls ``register_console`` when its blueprint is registered; the landing
page links only consoles whose endpoint the app actually serves.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class Console:
    title: str
    endpoint: str  # Flask endpoint of its entry page, e.g. "agent.index"
    description: str
    audience: str = ""


# Names the landing page shows as "on the way" until a console with that title registers.
PLANNED = ("Agent console", "Self-care portal", "Store kiosk", "Admin", "Phone simulator")

_consoles: dict[str, Console] = {}


def register_console(console: Console) -> None:
    """Add (or replace, by endpoint) a console; safe to call once per app built."""
    _consoles[console.endpoint] = console


def available_consoles(app: Flask) -> list[Console]:
    """Registered consoles whose entry page this app serves, in registration order."""
    return [c for c in _consoles.values() if c.endpoint in app.view_functions]


def planned_consoles(app: Flask) -> list[str]:
    """Planned console titles not yet served."""
    served = {c.title for c in available_consoles(app)}
    return [title for title in PLANNED if title not in served]
