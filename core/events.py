"""In-process events: how a lower layer tells an upper one what happened without importing it.

Publishers take an ``EventBus`` as an argument; the gateway wires one bus per app and the CRM
subscribes to it. Handlers run synchronously in the publisher's transaction; a handler that
wants to act after commit queues work instead.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    name: str  # e.g. "order.completed", "bucket.threshold_crossed"
    payload: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, name: str, handler: Handler) -> None:
        """Subscribe to one event name, or ``"*"`` for all."""
        self._handlers[name].append(handler)

    def publish(self, name: str, **payload: Any) -> Event:
        if not name or name == "*":
            raise ValueError("an event needs a name; '*' only subscribes to every event")
        event = Event(name, payload)
        for handler in [*self._handlers.get(name, ()), *self._handlers.get("*", ())]:
            handler(event)
        return event


class RecordingBus(EventBus):
    """An event bus that also remembers what was published; for tests and audits."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []

    def publish(self, name: str, **payload: Any) -> Event:
        event = super().publish(name, **payload)
        self.events.append(event)
        return event

    def named(self, name: str) -> list[Event]:
        return [e for e in self.events if e.name == name]
