"""Every message in and out is recorded as an interaction, with delivery status for outbound."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import ValidationError
from crm.conversations.messages import Inbound
from crm.conversations.models import MESSAGE_STATUSES, Interaction

# A status may only move forward: a late "sent" callback must not undo "delivered".
_ORDER = {"queued": 0, "sent": 1, "delivered": 2, "failed": 2}


def record_inbound(session: Session, inbound: Inbound, *, customer_id: int | None,
                   conversation_id: int | None = None, purpose: str = "selfService",
                   flush: bool = True) -> Interaction:
    row = Interaction(conversation_id=conversation_id, customer_id=customer_id, channel=inbound.channel,
                      direction="in", address=inbound.sender, text=inbound.text, purpose=purpose,
                      status="received", provider_ref=inbound.provider_ref, raw=inbound.raw or None, error=None,
                      occurred_at=inbound.received_at, status_changed_at=inbound.received_at)
    session.add(row)
    if flush:
        session.flush()
    return row


def record_outbound(session: Session, clock: Clock, *, channel: str, address: str, text: str,
                    customer_id: int | None, conversation_id: int | None = None, purpose: str = "selfService",
                    status: str = "sent", provider_ref: str | None = None) -> Interaction:
    if status not in MESSAGE_STATUSES or status == "received":
        raise ValidationError(f"not an outbound status: {status}", field="status")
    now = clock.now()
    row = Interaction(conversation_id=conversation_id, customer_id=customer_id, channel=channel, direction="out",
                      address=address, text=text, purpose=purpose, status=status, provider_ref=provider_ref,
                      raw=None, error=None, occurred_at=now, status_changed_at=now)
    session.add(row)
    session.flush()
    return row


# Both messages of a hop in one statement, outside the unit of work (a USSD hop is on the clock).
# On SQLite, whose RETURNING order is not guaranteed, SQLAlchemy sends the rows one by one.
_TABLE = Interaction.__table__
_INSERT_EXCHANGE = sa.insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
_INSERT_EXCHANGE_QUIETLY = sa.insert(_TABLE)


def exchange_rows(clock: Clock, inbound: Inbound, reply_text: str, *, customer_id: int | None,
                  conversation_id: int | None, purpose: str = "selfService") -> list[dict]:
    """The two interaction rows of a hop, the inbound message and its reply (sent), as
    ``record_inbound`` and ``record_outbound`` would write them."""
    now = clock.now()
    shared = {"conversation_id": conversation_id, "customer_id": customer_id, "channel": inbound.channel,
              "address": inbound.sender, "purpose": purpose, "error": None}
    return [
        {**shared, "direction": "in", "text": inbound.text, "status": "received", "provider_ref": inbound.provider_ref,
         "raw": inbound.raw or None, "occurred_at": inbound.received_at, "status_changed_at": inbound.received_at},
        {**shared, "direction": "out", "text": reply_text, "status": "sent", "provider_ref": None, "raw": None,
         "occurred_at": now, "status_changed_at": now},
    ]


def record_exchange(session: Session, clock: Clock, inbound: Inbound, reply_text: str, *, customer_id: int | None,
                    conversation_id: int | None, purpose: str = "selfService", returning: bool = True) -> int | None:
    """The rows of ``exchange_rows`` in one INSERT; returns the reply's interaction id (None with
    ``returning=False``, which spares reading it back when nobody needs it).

    The rows do not enter the session's identity map: read them back with a query if needed.
    """
    rows = exchange_rows(clock, inbound, reply_text, customer_id=customer_id, conversation_id=conversation_id,
                         purpose=purpose)
    if not returning:
        session.execute(_INSERT_EXCHANGE_QUIETLY, rows)
        return None
    ids = session.execute(_INSERT_EXCHANGE, rows).scalars().all()
    return ids[1]


def update_delivery(session: Session, clock: Clock, *, channel: str, provider_ref: str, status: str,
                    error: str | None = None) -> Interaction | None:
    """Apply a provider's delivery report to the outbound message it names; None if unknown."""
    if status not in _ORDER:
        raise ValidationError(f"unknown delivery status {status!r}", field="status")
    row = session.scalar(sa.select(Interaction).where(Interaction.channel == channel,
                                                      Interaction.provider_ref == provider_ref,
                                                      Interaction.direction == "out"))
    if row is None:
        return None
    if _ORDER[status] >= _ORDER.get(row.status, 0) and row.status not in ("delivered", "failed"):
        row.status = status
        row.error = (error or None) and error[:300]
        row.status_changed_at = clock.now()
        session.flush()
    return row


def interactions_of(session: Session, *, address: str | None = None, customer_id: int | None = None,
                    limit: int = 100) -> list[Interaction]:
    stmt = sa.select(Interaction)
    if address is not None:
        stmt = stmt.where(Interaction.address == address)
    if customer_id is not None:
        stmt = stmt.where(Interaction.customer_id == customer_id)
    return list(session.scalars(stmt.order_by(Interaction.id.desc()).limit(limit)))
