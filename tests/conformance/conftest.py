"""Fixtures for the TM Forum conformance kits: where the kits and newman are, and a live server.

The kits live outside the repository, in ``shared/tmf-ctk`` beside the clone (``SHARED_DIR``
overrides). Missing kits or newman skip these tests on a developer's machine, but fail under
CI (``CI=true``), where a skip would hide that conformance was never checked.
"""
from __future__ import annotations

import os
import pathlib

import pytest

from tests.live_server import live_server, unavailable  # noqa: F401  (live_server is a fixture)

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def ctk_dir() -> pathlib.Path:
    shared = pathlib.Path(os.environ.get("SHARED_DIR") or REPO.parent / "shared")
    kits = shared / "tmf-ctk"
    if not kits.is_dir():
        unavailable(f"TM Forum conformance kits not found at {kits} (set SHARED_DIR to the folder holding tmf-ctk/)")
    return kits


@pytest.fixture(scope="session")
def newman() -> pathlib.Path:
    binary = REPO / "node_modules" / ".bin" / "newman"
    if not binary.exists():
        unavailable(f"newman not installed at {binary}: run `make node-deps` (npm ci)")
    return binary
