"""The phone simulator: a handset drawn in HTML that dials ``*123#`` and texts keywords as any
demo MSISDN, answered by the real USSD and SMS endpoints.

It acts as any subscriber, so it is served only with the demo operator (``DEMO_DATA=1``) and
answers 404 otherwise. Its two JSON routes form exactly what the aggregators send: the USSD one
posts an Africa's Talking form (with the callback token when one is configured) to
``/channels/ussd``; the SMS one posts a Twilio-signed form to ``/channels/sms/twilio`` when a
Twilio token is configured, else hands the text to the same SMS entrance directly.
"""
from __future__ import annotations

import uuid
from xml.etree import ElementTree

import sqlalchemy as sa
from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, request
from twilio.request_validator import RequestValidator

from billing.models import BillingAccount, Subscription
from channels.collaborators import collaborators
from channels.sms.inbound import receive_sms
from core.db import db
from core.errors import ValidationError
from crm.models import Customer
from web.pages.consoles import Console, register_console

blueprint = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="../templates")

SAMPLE_LINES = 12


@blueprint.before_request
def demo_only():
    if not current_app.extensions["bss.settings"].demo_data:
        abort(404)


def sample_lines() -> list[dict]:
    rows = db.session.execute(
        sa.select(Subscription.msisdn, Customer.name, BillingAccount.payment_type)
        .join(BillingAccount, BillingAccount.id == Subscription.billing_account_id)
        .join(Customer, Customer.id == BillingAccount.customer_id)
        .where(Subscription.status == "active").order_by(Subscription.id).limit(SAMPLE_LINES))
    return [{"msisdn": msisdn, "name": name, "payment_type": kind} for msisdn, name, kind in rows]


@blueprint.get("")
def index():
    return render_template("simulator.html", lines=sample_lines())


def _json_text(name: str, limit: int = 200) -> str:
    body = request.get_json(silent=True) or {}
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        abort(400)
    return value.strip()


@blueprint.post("/ussd")
def ussd():
    """One hop: ``{"msisdn", "sessionId", "text"}`` -> ``{"reply", "ended", "sessionId"}``."""
    msisdn, text = _json_text("msisdn", 20), _json_text("text")
    session_id = _json_text("sessionId", 60) or f"SIM_{uuid.uuid4().hex[:16]}"
    settings = collaborators().settings
    token = settings.value("USSD_CALLBACK_TOKEN")
    form = {"sessionId": session_id, "serviceCode": "*123#", "phoneNumber": msisdn, "networkCode": "63902",
            "text": text}
    with current_app.test_client() as inner:  # the real endpoint, its access rules included
        response = inner.post("/channels/ussd", data=form, query_string={"token": token} if token else None)
    body = response.get_data(as_text=True)
    if response.status_code != 200:
        return jsonify(reply=f"Gateway answered {response.status_code}", ended=True, sessionId=session_id)
    return jsonify(reply=body[4:], ended=body.startswith("END"), sessionId=session_id, raw=body)


@blueprint.post("/sms")
def sms():
    """``{"msisdn", "text"}`` -> ``{"reply"}``: what the customer's phone would receive."""
    msisdn, text = _json_text("msisdn", 20), _json_text("text", 480)
    wired = collaborators()
    token = wired.settings.value("TWILIO_AUTH_TOKEN")
    if token:
        form = {"From": msisdn, "To": "+254700000100", "Body": text, "MessageSid": f"SMsim{uuid.uuid4().hex}",
                "AccountSid": wired.settings.value("TWILIO_ACCOUNT_SID") or "ACsimulator", "NumMedia": "0"}
        base = wired.settings.value("TWILIO_PUBLIC_URL").rstrip("/") or request.host_url.rstrip("/")
        signature = RequestValidator(token).compute_signature(f"{base}/channels/sms/twilio", form)
        with current_app.test_client() as inner:
            response = inner.post("/channels/sms/twilio", data=form, headers={"X-Twilio-Signature": signature},
                                  base_url=base)
        root = ElementTree.fromstring(response.data) if response.status_code == 200 else None  # noqa: S314
        reply = "".join(m.text or "" for m in root.iter("Message")) if root is not None else ""
        return jsonify(reply=reply)
    try:
        answer = receive_sms(db.session, wired, sender=msisdn, text=text, provider_ref=None,
                             raw={"From": msisdn, "Body": text, "transport": "simulator"})
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        return jsonify(reply=f"({error.message})")
    return jsonify(reply=answer.text)


def register_simulator(app: Flask) -> None:
    app.register_blueprint(blueprint)
    register_console(Console("Phone simulator", "simulator.index",
                             "Dial *123# or text BAL as any demo subscriber and watch the real USSD and SMS "
                             "endpoints answer.", audience="everyone trying the demo"))
