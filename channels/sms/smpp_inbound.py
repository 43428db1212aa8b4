"""What arrives over the SMPP bind: mobile-originated messages (answered over the same bind) and
the SMSC's delivery receipts (recorded on the message they report on).

The link calls these from its own threads, outside any request, so each call opens the app's
context and owns its transaction.
"""
from __future__ import annotations

from flask import Flask

from channels.collaborators import collaborators
from channels.sms.inbound import receive_sms
from core.db import db
from crm.conversations.interactions import update_delivery
from crm.conversations.models import Interaction


class SmppInbound:
    """The link's ``on_message`` and ``on_receipt`` for one app."""

    def __init__(self, app: Flask):
        self.app = app

    def on_message(self, source: str, text: str, message_id: str | None) -> None:
        with self.app.app_context():
            wired = collaborators(self.app)
            try:
                reply = receive_sms(db.session, wired, sender=source, text=text, provider_ref=message_id,
                                    raw={"source_addr": source, "text": text, "transport": "smpp"})
                db.session.commit()
                if reply.text and reply.interaction_id is not None:
                    # The conversation recorded its reply as sent; over SMPP it is sent now, and
                    # the SMSC's message id and status are kept on that row.
                    message = db.session.get(Interaction, reply.interaction_id)
                    message.status = "queued"
                    wired.outbound.deliver(db.session, wired.clock, message)
                    db.session.commit()
            except Exception:
                db.session.rollback()
                raise

    def on_receipt(self, message_id: str, status: str, error: str | None) -> None:
        with self.app.app_context():
            update_delivery(db.session, collaborators(self.app).clock, channel="sms", provider_ref=message_id,
                            status=status, error=error)
            db.session.commit()
