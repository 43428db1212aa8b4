"""``POST /channels/ussd`` and its end-of-session notification ``POST /channels/ussd/events``."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request

from channels.collaborators import collaborators
from channels.ussd.access import is_allowed
from channels.ussd.protocol import LIMIT, read_hop, render
from core.db import db
from core.errors import ValidationError
from crm.conversations.interactions import record_inbound
from crm.conversations.messages import Inbound, Reply
from crm.conversations.state import end_by_session
from crm.i18n.catalogs import translate
from crm.selfservice.service import converse

log = logging.getLogger(__name__)

blueprint = Blueprint("ussd", __name__, url_prefix="/channels/ussd")


@blueprint.before_request
def only_the_aggregator():
    settings = collaborators().settings
    if not is_allowed(remote_addr=request.remote_addr, token=request.args.get("token"),
                      expected_token=settings.value("USSD_CALLBACK_TOKEN"),
                      allowed_ips=settings.value("USSD_ALLOWED_IPS")):
        abort(403)


def _text(body: str) -> Response:
    return Response(body, mimetype="text/plain")


@blueprint.post("")
def hop():
    wired = collaborators()
    try:
        inbound, inputs = read_hop(request.form, default_region=wired.settings.default_region,
                                   received_at=wired.clock.now())
    except ValidationError as error:
        log.info("USSD hop refused: %s", error.message)
        return _text(render(Reply(translate("en", "error.internal"), False)))
    try:
        reply = converse(db.session, wired.clock, wired.events, inbound, wired.selfservice, inputs=inputs,
                         limit=LIMIT)
        db.session.commit()
    except Exception:
        # The handset shows whatever we answer: a polite END, never a gateway error page.
        log.exception("USSD hop failed for session %s", inbound.session_id)
        db.session.rollback()
        reply = Reply(translate("en", "error.internal"), False)
    return _text(render(reply))


@blueprint.post("/events")
def session_ended():
    """The aggregator's end-of-session report (status, hops, cost): kept as an interaction."""
    wired = collaborators()
    form = request.form
    session_id = (form.get("sessionId") or "").strip()
    if not session_id:
        abort(400)
    now = wired.clock.now()
    conversation = end_by_session(db.session, wired.clock, channel="ussd", session_ref=session_id[:100],
                                  reason=f"aggregator: {form.get('status') or 'ended'}")
    sender = conversation.address if conversation else (form.get("phoneNumber") or "unknown")[:254]
    record_inbound(db.session, Inbound(channel="ussd", sender=sender, text=f"session ended: {form.get('status', '')}",
                                       session_id=session_id[:100], received_at=now, raw=form.to_dict()),
                   customer_id=conversation.customer_id if conversation else None,
                   conversation_id=conversation.id if conversation else None, purpose="sessionEnd")
    db.session.commit()
    return _text("OK")
