"""A case an agent must handle. ``support_case``: ``case`` is a reserved word in SQL."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

CASE_KINDS = ("complaint", "callback", "enquiry", "serviceRequest")
CASE_STATUSES = ("open", "inProgress", "resolved", "closed")


class SupportCase(Base):
    __tablename__ = "support_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)  # told to the customer: "CS-000123"
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    # Who asked, as the channel knows them: unknown numbers may still ask for a human.
    channel: Mapped[str] = mapped_column(sa.String(20))
    contact_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    conversation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conversation.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint("kind IN ('complaint', 'callback', 'enquiry', 'serviceRequest')", name="kind"),
        sa.CheckConstraint("status IN ('open', 'inProgress', 'resolved', 'closed')", name="status"),
    )
