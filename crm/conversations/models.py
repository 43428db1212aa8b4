"""Conversations and the interactions (messages in and out) that make them up."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

DIRECTIONS = ("in", "out")
# Outbound delivery as providers report it; inbound messages are "received".
MESSAGE_STATUSES = ("received", "queued", "sent", "delivered", "failed")


class Conversation(Base):
    """A customer's exchange on one channel, with the dialog state it has reached.

    USSD conversations are keyed by the aggregator's session id and end after 180 s of
    silence (the network drops the session anyway); SMS conversations by the sender's
    number, with a longer idle timeout so "reply YES to confirm" still works.
    """

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20))
    address: Mapped[str] = mapped_column(sa.String(254), index=True)
    session_ref: Mapped[str | None] = mapped_column(sa.String(100))
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(5), default="en")
    state: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default="open")  # open | ended | expired
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'ended', 'expired')", name="status"),
        sa.Index("ix_conversation_session", "channel", "session_ref"),
        sa.Index("ix_conversation_open", "channel", "address", "status"),
    )


class Interaction(Base):
    """One message in or out on any channel: TMF683 ``PartyInteraction``.

    Outbound rows carry the delivery status providers report (Twilio callbacks, SMPP receipts)
    under their message id (``provider_ref``).
    """

    __tablename__ = "interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conversation.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(20))
    direction: Mapped[str] = mapped_column(sa.String(3))
    address: Mapped[str] = mapped_column(sa.String(254), index=True)  # the customer's side
    text: Mapped[str] = mapped_column(sa.Text)
    purpose: Mapped[str | None] = mapped_column(sa.String(40))  # selfService, agent, notification, ...
    status: Mapped[str] = mapped_column(sa.String(10))
    provider_ref: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    error: Mapped[str | None] = mapped_column(sa.String(300))
    raw: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("direction IN ('in', 'out')", name="direction"),
        sa.CheckConstraint("status IN ('received', 'queued', 'sent', 'delivered', 'failed')", name="status"),
    )
