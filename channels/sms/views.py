"""Twilio's webhooks: ``POST /channels/sms/twilio`` (inbound SMS, answered in TwiML) and
``POST /channels/sms/twilio/status`` (delivery status callbacks)."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from channels.collaborators import collaborators
from channels.sms.inbound import receive_sms
from channels.sms.twilio_sender import STATUS
from core.db import db
from core.errors import ValidationError
from crm.conversations.interactions import update_delivery
from crm.i18n.catalogs import translate

log = logging.getLogger(__name__)

blueprint = Blueprint("sms", __name__, url_prefix="/channels/sms")


def signed_url() -> str:
    """The URL Twilio signed: ``TWILIO_PUBLIC_URL`` (behind a proxy) plus our path and query."""
    public = collaborators().settings.value("TWILIO_PUBLIC_URL").rstrip("/")
    if not public:
        return request.url
    query = request.query_string.decode()
    return f"{public}{request.path}" + (f"?{query}" if query else "")


@blueprint.before_request
def only_twilio():
    token = collaborators().settings.value("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    # Without a token nothing can be verified, so nothing is accepted.
    if not token or not signature or not RequestValidator(token).validate(signed_url(), request.form.to_dict(),
                                                                          signature):
        abort(403)


def _twiml(text: str | None) -> Response:
    response = MessagingResponse()
    if text:
        response.message(text)
    return Response(str(response), mimetype="application/xml")


@blueprint.post("/twilio")
def inbound_sms():
    wired = collaborators()
    form = request.form
    try:
        reply = receive_sms(db.session, wired, sender=form.get("From", ""), text=form.get("Body", ""),
                            provider_ref=form.get("MessageSid"), raw=form.to_dict())
        db.session.commit()
        return _twiml(reply.text)
    except ValidationError as error:
        log.info("SMS from %r refused: %s", form.get("From"), error.message)
        db.session.rollback()
        return _twiml(None)  # not a number we can answer
    except Exception:
        log.exception("inbound SMS %s failed", form.get("MessageSid"))
        db.session.rollback()
        return _twiml(translate("en", "error.internal"))


@blueprint.post("/twilio/status")
def status_callback():
    wired = collaborators()
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if not sid or status not in STATUS:
        abort(400)
    update_delivery(db.session, wired.clock, channel="sms", provider_ref=sid, status=STATUS[status],
                    error=request.form.get("ErrorCode"))
    db.session.commit()
    return Response(status=204)
