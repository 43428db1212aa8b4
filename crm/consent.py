"""Marketing consent per customer, channel and purpose, kept as a history of changes.

A customer texting STOP records ``granted=False`` on ``sms`` with source ``sms``; an agent
ticking a box records source ``agent``. Nothing is ever overwritten, so the current state is
the newest row, and the history shows who changed it, when and how. Without any row the
answer is "no": marketing is opt-in.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import ValidationError
from core.events import EventBus
from crm.models import Consent, Customer

CHANNELS = ("sms", "email", "telegram", "voice", "ussd", "whatsapp", "post", "all")
PURPOSES = ("marketing", "profiling", "thirdParty")
SOURCES = ("api", "sms", "ussd", "email", "telegram", "agent", "portal", "kiosk", "import", "system")


@dataclass(frozen=True)
class ConsentState:
    """The consent in force for one channel and purpose, and the row that decided it."""

    channel: str
    purpose: str
    granted: bool
    decided_by: Consent | None  # None: never asked, so the opt-in default applies


def _check(channel: str, purpose: str) -> None:
    if channel not in CHANNELS:
        raise ValidationError(f"consent channel must be one of {', '.join(CHANNELS)}", field="channel")
    if purpose not in PURPOSES:
        raise ValidationError(f"consent purpose must be one of {', '.join(PURPOSES)}", field="purpose")


def record_consent(session: Session, clock: Clock, *, customer: Customer, channel: str, granted: bool,
                   source: str, purpose: str = "marketing", actor: str | None = None, note: str | None = None,
                   events: EventBus | None = None) -> Consent:
    """Record one consent change. ``channel="all"`` speaks for every channel at once."""
    _check(channel, purpose)
    if source not in SOURCES:
        raise ValidationError(f"consent source must be one of {', '.join(SOURCES)}", field="source")
    if not isinstance(granted, bool):
        raise ValidationError("granted must be true or false", field="granted")
    row = Consent(customer_id=customer.id, channel=channel, purpose=purpose, granted=granted, source=source,
                  actor=actor, note=note, recorded_at=clock.now())
    session.add(row)
    session.flush()
    if events is not None:
        events.publish("customer.consent_changed", customer_id=customer.id, channel=channel, purpose=purpose,
                       granted=granted, source=source)
    return row


def consent_state(session: Session, customer: Customer, channel: str, purpose: str = "marketing") -> ConsentState:
    """The consent in force on ``channel``: the newest row for that channel or for ``all``."""
    _check(channel, purpose)
    channels = ("all",) if channel == "all" else (channel, "all")
    # Same-second changes are ordered by id: the later insert is the later decision.
    row = session.scalar(
        sa.select(Consent)
        .where(Consent.customer_id == customer.id, Consent.purpose == purpose, Consent.channel.in_(channels))
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1))
    return ConsentState(channel, purpose, row.granted if row else False, row)


def current_consent(session: Session, customer: Customer, channel: str, purpose: str = "marketing") -> bool:
    """May we send ``purpose`` messages to this customer on ``channel``? False unless granted."""
    return consent_state(session, customer, channel, purpose).granted


def consent_overview(session: Session, customer: Customer, purpose: str = "marketing") -> list[ConsentState]:
    """The state of every channel the customer has ever said something about, in channel order.

    One query: API listings render this for every customer on the page.
    """
    rows = session.scalars(sa.select(Consent).where(Consent.customer_id == customer.id, Consent.purpose == purpose)
                           .order_by(Consent.recorded_at, Consent.id))
    latest: dict[str, Consent] = {}
    for row in rows:
        latest[row.channel] = row  # ordered oldest first, so the last one seen wins
    states = []
    for channel in CHANNELS:
        if channel not in latest:
            continue
        candidates = [latest[channel]] + ([latest["all"]] if "all" in latest else [])
        row = max(candidates, key=lambda c: (c.recorded_at, c.id))
        states.append(ConsentState(channel, purpose, row.granted, row))
    return states


def consent_history(session: Session, customer: Customer, channel: str | None = None,
                    purpose: str | None = None) -> list[Consent]:
    """Every recorded change, oldest first."""
    stmt = sa.select(Consent).where(Consent.customer_id == customer.id)
    if channel is not None:
        stmt = stmt.where(Consent.channel == channel)
    if purpose is not None:
        stmt = stmt.where(Consent.purpose == purpose)
    return list(session.scalars(stmt.order_by(Consent.recorded_at, Consent.id)))
