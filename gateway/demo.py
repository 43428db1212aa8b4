"""The demo operator (placeholder until the demo data lands)."""
from __future__ import annotations


def is_seeded(session) -> bool:
    return True


def seed_demo(session, clock, settings) -> str:
    return ""
