"""What a channel hands the core and what it gets back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Inbound:
    """One message from a customer, as any channel normalises it."""

    channel: str  # "ussd", "sms", ...
    sender: str  # the address on that channel: an E.164 MSISDN for USSD and SMS
    text: str  # the new input only (a USSD channel strips what earlier hops already sent)
    session_id: str | None  # the channel's own session id (USSD), None where there is none (SMS)
    received_at: dt.datetime
    raw: dict[str, Any] = field(default_factory=dict)  # the payload as received, for audit
    provider_ref: str | None = None  # the channel's message id (Twilio MessageSid, SMPP message id)


@dataclass(frozen=True)
class Reply:
    """The answer: text, whether the conversation goes on, and the choices offered."""

    text: str
    continues: bool
    choices: tuple[str, ...] = ()
    interaction_id: int | None = None  # the outbound interaction that recorded it, once recorded
