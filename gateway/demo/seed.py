"""Seeding the demo operator (filled in once the domain services land)."""
from __future__ import annotations


def is_seeded(session) -> bool:
    return True


def seed_demo(session, clock, settings) -> str:
    return ""
