"""The customer channels the configuration switches on: their blueprints, each one's sender in
the outbound registry, and the CRM's notices about what lower layers announce.

Nothing here opens a long-lived link: an SMPP bind belongs to the process that serves it
(``gateway/links.py``); web and task processes only queue the SMS it sends.
"""
from __future__ import annotations

import logging

from flask import Flask, has_request_context

from channels.collaborators import Collaborators, install
from channels.registry import CHANNELS
from channels.sms.log_sender import LogSender
from channels.sms.twilio_sender import TwilioSender
from core.db import db
from core.settings import Settings
from crm.conversations.outbound import OutboundRegistry
from crm.notices import Notifier
from gateway.config import ConfigurationError, chosen, one_of
from gateway.wiring.selfservice import build_selfservice
from web.pages.simulator import register_simulator

log = logging.getLogger(__name__)

SMS_OUTBOUND = ("log", "twilio", "smpp")


def wire_channels(app: Flask) -> None:
    settings: Settings = app.extensions["bss.settings"]
    names = chosen("CHANNELS", settings.value("CHANNELS"), list(CHANNELS), default=list(CHANNELS))
    registry = OutboundRegistry()
    app.extensions["bss.outbound"] = registry
    app.extensions["bss.selfservice"] = selfservice = build_selfservice(app, settings)
    install(app, Collaborators(app.extensions["bss.clock"], app.extensions["bss.events"], settings, selfservice,
                               registry))
    for name in names:
        app.register_blueprint(CHANNELS[name].blueprint)
    if "sms" in names:
        wire_sms_sender(registry, settings)
    if {"ussd", "sms"} <= set(names):
        register_simulator(app)
    Notifier(lambda: db.session, lambda: app.extensions["bss.clock"], registry, region=settings.default_region,
             timezone=settings.operator_timezone).subscribe(app.extensions["bss.events"])
    _send_after_commit(app, registry)


def wire_sms_sender(registry: OutboundRegistry, settings: Settings) -> None:
    """The SMS sender ``SMS_OUTBOUND`` names. Over SMPP the link's own process sends (it holds
    the bind); here SMS are only queued for it."""
    mode = one_of("SMS_OUTBOUND", settings.value("SMS_OUTBOUND"), SMS_OUTBOUND)
    if mode == "twilio":
        missing = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")
                   if not settings.value(name)]
        if missing:
            raise ConfigurationError(f"SMS_OUTBOUND=twilio needs {', '.join(missing)}")
        public = settings.value("TWILIO_PUBLIC_URL").rstrip("/")
        registry.register("sms", TwilioSender(account_sid=settings.value("TWILIO_ACCOUNT_SID"),
                                              auth_token=settings.value("TWILIO_AUTH_TOKEN"),
                                              from_number=settings.value("TWILIO_FROM_NUMBER"),
                                              base_url=settings.value("TWILIO_API_BASE_URL"),
                                              status_callback=f"{public}/channels/sms/twilio/status" if public
                                              else None))
    elif mode == "smpp":
        missing = [name for name in ("SMPP_HOST", "SMPP_SYSTEM_ID") if not settings.value(name)]
        if missing:
            raise ConfigurationError(f"SMS_OUTBOUND=smpp needs {', '.join(missing)}")
        registry.send_elsewhere("sms")
    else:
        registry.register("sms", LogSender())


def _send_after_commit(app: Flask, registry: OutboundRegistry) -> None:
    @app.teardown_appcontext
    def send_what_commands_queued(_error):
        # Work outside a request (a CLI command, a Celery task) that queued notifications sends
        # them when its app context ends, from a session of its own: whatever the work left
        # uncommitted is never committed by this. Requests send theirs in ``send_queued_messages``.
        if has_request_context() or not db.session.registry.has() or not db.session.info.pop("outbox", False):
            return
        try:
            sent = registry.dispatch_committed(db.engine, app.extensions["bss.clock"])
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
