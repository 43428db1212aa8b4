"""The outbound registry: each channel registers its sender at start-up; the CRM sends through it.

Every message is recorded as an outbound interaction first (``queued``), then handed to the
channel's sender; the provider's id and the status it reports (sent, delivered, failed) are
kept on that row. Campaigns, agent replies and dunning use the same path later.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from crm.conversations.interactions import record_outbound
from crm.conversations.models import Interaction

log = logging.getLogger(__name__)

MAX_BATCH = 200
_QUEUE = sa.insert(Interaction.__table__)


@dataclass(frozen=True)
class Sent:
    """What a sender reports: the provider's message id and the status it gave."""

    provider_ref: str | None
    status: str = "sent"


class Sender(Protocol):
    def send(self, address: str, text: str) -> Sent:
        """Hand one message to the provider; raise on failure."""


class OutboundRegistry:
    def __init__(self) -> None:
        self._senders: dict[str, Sender] = {}
        self._elsewhere: set[str] = set()

    def register(self, channel: str, sender: Sender) -> None:
        self._senders[channel] = sender
        self._elsewhere.discard(channel)

    def send_elsewhere(self, channel: str) -> None:
        """Messages of ``channel`` are sent by another process (the one holding an SMSC bind):
        here they are only queued, and ``deliver`` leaves them queued for that process."""
        self._senders.pop(channel, None)
        self._elsewhere.add(channel)

    def sender(self, channel: str) -> Sender | None:
        return self._senders.get(channel)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self._senders)

    def queue(self, session: Session, clock: Clock, *, channel: str, address: str, text: str,
              customer_id: int | None = None, purpose: str = "notification") -> Interaction:
        """Record a message to send after the transaction commits (``dispatch`` sends it)."""
        session.info["outbox"] = True  # tells whoever owns the transaction there is mail to send
        return record_outbound(session, clock, channel=channel, address=address, text=text,
                               customer_id=customer_id, purpose=purpose, status="queued")

    def enqueue(self, session: Session, clock: Clock, *, channel: str, address: str, text: str,
                customer_id: int | None = None, purpose: str = "notification") -> None:
        """``queue`` as one Core INSERT, for callers that need no entity back: notifications
        raised inside rating's real-time debit, where every statement is on a caller's clock."""
        session.info["outbox"] = True
        now = clock.now()
        session.execute(_QUEUE, {"conversation_id": None, "customer_id": customer_id, "channel": channel,
                                 "direction": "out", "address": address, "text": text, "purpose": purpose,
                                 "status": "queued", "provider_ref": None, "error": None, "raw": None,
                                 "occurred_at": now, "status_changed_at": now})

    def deliver(self, session: Session, clock: Clock, message: Interaction) -> Interaction:
        """Send one queued message now through its channel's sender and record the outcome."""
        if message.channel in self._elsewhere:
            return message
        sender = self._senders.get(message.channel)
        now = clock.now()
        if sender is None:
            message.status, message.error = "failed", f"no sender registered for {message.channel}"
        else:
            try:
                result = sender.send(message.address, message.text)
            except Exception as error:  # any provider failure is a failed message, kept
                log.warning("sending %s message %s failed: %s", message.channel, message.id, error)
                message.status, message.error = "failed", str(error)[:300]
            else:
                message.status, message.provider_ref = result.status, result.provider_ref
        message.status_changed_at = now
        session.flush()
        return message

    def send(self, session: Session, clock: Clock, *, channel: str, address: str, text: str,
             customer_id: int | None = None, purpose: str = "notification") -> Interaction:
        """Record and send at once (for callers outside a larger transaction)."""
        message = self.queue(session, clock, channel=channel, address=address, text=text, customer_id=customer_id,
                             purpose=purpose)
        return self.deliver(session, clock, message)

    def dispatch(self, session: Session, clock: Clock, *, limit: int = MAX_BATCH) -> int:
        """Send queued messages of registered channels, oldest first; returns how many went out.

        A message the provider accepted may stay ``queued`` with the provider's id (Twilio
        answers "queued"): it has left us and is not sent again."""
        if not self._senders:
            return 0
        queued = list(session.scalars(
            sa.select(Interaction).where(Interaction.direction == "out", Interaction.status == "queued",
                                         Interaction.provider_ref.is_(None), Interaction.channel.in_(self.channels))
            .order_by(Interaction.id).limit(limit)))
        for message in queued:
            self.deliver(session, clock, message)
        return len(queued)

    def dispatch_committed(self, engine: sa.Engine, clock: Clock) -> int:
        """Send every committed queued message of the registered channels, batch by batch, each
        batch in a session and transaction of its own (nothing a caller left uncommitted is
        touched); returns how many were handed to their channel."""
        total = 0
        with Session(engine) as session:
            while True:
                sent = self.dispatch(session, clock)
                session.commit()
                total += sent
                if sent < MAX_BATCH:
                    return total
