"""Fixtures for the page tests: the live server (for the browser tests) comes from tests.live_server."""
from __future__ import annotations

from tests.live_server import live_server  # noqa: F401  (a fixture)
