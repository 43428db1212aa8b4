"""One inbound SMS, from whichever transport, into the CRM's keyword conversation."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from channels.collaborators import Collaborators
from core.msisdn import normalise
from crm.conversations.messages import Inbound, Reply
from crm.selfservice.keywords import text_message


def receive_sms(session: Session, wired: Collaborators, *, sender: str, text: str, provider_ref: str | None,
                raw: dict[str, Any]) -> Reply:
    """Normalise the sender, hand the text to the CRM, return the reply to send (flushes only)."""
    inbound = Inbound(channel="sms", sender=normalise(sender, wired.settings.default_region), text=text or "",
                      session_id=None, received_at=wired.clock.now(), raw=raw, provider_ref=provider_ref)
    return text_message(session, wired.clock, wired.events, inbound, wired.selfservice)
