"""The demo operator's stock to sell from: a block of numbers and a box of SIM cards.

Idempotent like the rest of the demo: imports skip what is already there. The numbers sit in a
block (+254 757 000 xxx) the demo's existing lines never use.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.clock import Clock
from orders.stock import import_number_range, import_sims, stock_counts

FIRST_NUMBER, LAST_NUMBER = "+254757000000", "+254757000499"
SIMS = 500


def seed_stock(session: Session, clock: Clock) -> str:
    """Load the number pool and SIM stock; returns a one-line summary."""
    import_number_range(session, clock, first=FIRST_NUMBER, last=LAST_NUMBER, default_region="KE", batch="demo")
    import_sims(session, clock, [(f"8925403{n:013d}", f"63903{n:010d}") for n in range(1, SIMS + 1)],
                batch="demo", location="Nairobi warehouse")
    counts = stock_counts(session)
    return (f"Stock to sell from: {counts['msisdn'].get('available', 0)} numbers and "
            f"{counts['sim'].get('available', 0)} SIM cards available.")
