"""Wiring the customer channels into the app: their blueprints, the outbound registry with
each channel's sender, the self-service configuration and the CRM's event subscriptions."""
from __future__ import annotations

import logging

from flask import Flask, has_request_context
from sqlalchemy.orm import Session

from channels.registry import channels, collaborators
from channels.sms.inbound import receive_sms
from channels.sms.log_sender import LogSender
from channels.sms.smpp import SmppConfig, SmppLink
from channels.sms.twilio_sender import TwilioSender
from core.db import db
from core.settings import Settings
from crm.conversations.interactions import update_delivery
from crm.conversations.models import Interaction
from crm.conversations.notifier import Notifier
from crm.conversations.outbound import MAX_BATCH, OutboundRegistry
from crm.conversations.service import SelfService
from orders.orchestration import process_order
from web.pages.simulator import register_simulator

log = logging.getLogger(__name__)


def order_processor(app: Flask):
    """Order orchestration as the self-service's collaborator: purchases complete in the session."""
    def process(session, clock, events, order):
        return process_order(session, clock, events, app.extensions["bss.provisioning"], order,
                             default_region=app.extensions["bss.settings"].default_region, source="selfservice")
    return process


def wire_channels(app: Flask) -> None:
    settings: Settings = app.extensions["bss.settings"]
    registry = OutboundRegistry()
    app.extensions["bss.outbound"] = registry
    app.extensions["bss.selfservice"] = SelfService(
        currency=settings.currency, timezone=settings.operator_timezone,
        voucher_secret=settings.value("VOUCHER_SECRET"), process_order=order_processor(app))
    for channel in channels():
        app.register_blueprint(channel.blueprint)
    register_simulator(app)
    registry.register("sms", sms_sender(app, settings))
    Notifier(lambda: db.session, lambda: app.extensions["bss.clock"], registry).subscribe(app.extensions["bss.events"])

    @app.teardown_appcontext
    def send_what_commands_queued(_error):
        # Work outside a request (a CLI command, a Celery task) that queued notifications sends
        # them when its app context ends, from a session of its own: whatever the work left
        # uncommitted is never committed by this. Requests send theirs in ``send_queued_messages``.
        if has_request_context() or not db.session.registry.has() or not db.session.info.pop("outbox", False):
            return
        try:
            sent = send_queued(app, registry)
        except Exception:
            log.exception("sending queued messages failed; they stay queued")
        else:
            log.info("sent %d queued message(s)", sent)

    @app.after_request
    def send_queued_messages(response):
        # Notifications queued by this request's transaction go out once it has committed. A
        # request that never opened a session (a health check) must not create one just to look.
        if not db.session.registry.has():
            return response
        if db.session.info.pop("outbox", False) and not db.session.new and not db.session.dirty:
            try:
                registry.dispatch(db.session, app.extensions["bss.clock"])
                db.session.commit()
            except Exception:
                log.exception("sending queued messages failed; they stay queued")
                db.session.rollback()
        return response


def send_queued(app: Flask, registry: OutboundRegistry) -> int:
    """Send every committed queued message of the registered channels, batch by batch, each
    batch in its own transaction; returns how many were handed to their channel."""
    total = 0
    with Session(db.engine) as session:
        while True:
            sent = registry.dispatch(session, app.extensions["bss.clock"])
            session.commit()
            total += sent
            if sent < MAX_BATCH:
                return total


def sms_sender(app: Flask, settings: Settings):
    mode = settings.value("SMS_OUTBOUND").strip().lower()
    if mode == "twilio":
        public = settings.value("TWILIO_PUBLIC_URL").rstrip("/")
        return TwilioSender(account_sid=settings.value("TWILIO_ACCOUNT_SID"),
                            auth_token=settings.value("TWILIO_AUTH_TOKEN"),
                            from_number=settings.value("TWILIO_FROM_NUMBER"),
                            base_url=settings.value("TWILIO_API_BASE_URL"),
                            status_callback=f"{public}/channels/sms/twilio/status" if public else None)
    if mode == "smpp":
        return start_smpp(app, settings)
    return LogSender()


def start_smpp(app: Flask, settings: Settings) -> SmppLink:
    """Bind to the SMSC in the background; MO messages are answered and receipts recorded."""
    config = SmppConfig(host=settings.value("SMPP_HOST"), port=int(settings.value("SMPP_PORT")),
                        system_id=settings.value("SMPP_SYSTEM_ID"), password=settings.value("SMPP_PASSWORD"),
                        source_addr=settings.value("SMPP_SOURCE_ADDR"))

    def on_message(source: str, text: str, message_id: str | None) -> None:
        with app.app_context():
            wired = collaborators()
            try:
                reply = receive_sms(db.session, wired, sender=source, text=text, provider_ref=message_id,
                                    raw={"source_addr": source, "text": text, "transport": "smpp"})
                db.session.commit()
                if reply.text and reply.interaction_id is not None:
                    # The reply was recorded as sent by the conversation; over SMPP it is sent now.
                    message = db.session.get(Interaction, reply.interaction_id)
                    message.status = "queued"
                    wired.outbound.deliver(db.session, wired.clock, message)
                    db.session.commit()
            except Exception:
                db.session.rollback()
                raise

    def on_receipt(message_id: str, status: str, error: str | None) -> None:
        with app.app_context():
            update_delivery(db.session, app.extensions["bss.clock"], channel="sms", provider_ref=message_id,
                            status=status, error=error)
            db.session.commit()

    link = SmppLink(config, on_message=on_message, on_receipt=on_receipt).start()
    app.extensions["bss.smpp"] = link
    return link

