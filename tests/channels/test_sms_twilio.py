"""A signed Twilio conversation walks every SMS keyword; unsigned and forged requests are refused."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from crm.consent import consent_state
from crm.conversations.models import Interaction
from orders.models import ProductOrder
from tests.channels.twilio_fakes import TwilioWebhook
from tests.conversations.world import POSTPAID_MSISDN, PREPAID_MSISDN, UNKNOWN_MSISDN


@pytest.fixture
def twilio(client):
    return TwilioWebhook(client)


@pytest.mark.smoke
def test_bal(twilio, world):
    assert twilio.text(PREPAID_MSISDN, "bal").startswith("Balance: KES 500.00")


def test_bundles_lists_codes(twilio, world):
    reply = twilio.text(PREPAID_MSISDN, "BUNDLES")
    assert reply.startswith("Bundles (send BUY <code>):") and "DATA-DAY-1GB Daily 1 GB KES 99.00" in reply


@pytest.mark.smoke
def test_buy_asks_for_confirmation_then_places_the_order(twilio, world, session):
    prompt = twilio.text(PREPAID_MSISDN, "Buy data-day-1gb")
    assert prompt.startswith("Buy Daily 1 GB for KES 99.00?")
    assert session.scalar(sa.select(sa.func.count(ProductOrder.id))) == 0
    done = twilio.text(PREPAID_MSISDN, "YES")
    order = session.scalar(sa.select(ProductOrder))
    assert done.startswith(f"Order {order.id} placed: Daily 1 GB.") and order.state == "completed"
    assert order.channel == "sms"
    assert world.balance() == Decimal("401")


def test_buy_an_unknown_code(twilio, world):
    assert twilio.text(PREPAID_MSISDN, "BUY NOPE") == "No bundle has the code NOPE. Send BUNDLES for the list."


def test_no_cancels_a_purchase(twilio, world, session):
    twilio.text(PREPAID_MSISDN, "BUY VOICE-DAY-50")
    assert twilio.text(PREPAID_MSISDN, "no") == "Cancelled. Nothing was changed."
    assert session.scalar(sa.select(sa.func.count(ProductOrder.id))) == 0


def test_topup(twilio, world, vouchers):
    reply = twilio.text(PREPAID_MSISDN, f"TOPUP {vouchers[0].pin}")
    assert reply == "Top-up of KES 100.00 received. New balance: KES 600.00."
    assert world.balance() == Decimal("600")
    assert twilio.text(PREPAID_MSISDN, "TOPUP 99999999999999") == \
        "That voucher PIN is not valid. Check the digits and try again."


def test_bill_is_not_offered_before_billing_has_bills(twilio, world):
    assert twilio.text(POSTPAID_MSISDN, "BILL") == "That service is not available yet."


def test_help(twilio, world):
    assert twilio.text(PREPAID_MSISDN, "help").startswith("Send BAL for balance")


def test_stop_and_start_record_marketing_consent(twilio, world, session):
    assert twilio.text(PREPAID_MSISDN, "STOP").startswith("You will no longer receive offers")
    state = consent_state(session, world.prepaid_customer, "sms")
    assert state.granted is False and state.decided_by.source == "sms"
    twilio.text(PREPAID_MSISDN, "start")
    assert consent_state(session, world.prepaid_customer, "sms").granted is True


def test_anything_else_goes_to_the_agents(twilio, world, session):
    reply = twilio.text(PREPAID_MSISDN, "Why was I charged twice yesterday?")
    assert reply == "Thank you, we got your message. An agent will reply soon."
    message = session.scalar(sa.select(Interaction).where(Interaction.direction == "in"))
    assert (message.purpose, message.customer_id, message.text) == (
        "agent", world.prepaid_customer.id, "Why was I charged twice yesterday?")
    assert message.raw["MessageSid"] == message.provider_ref


def test_an_unknown_number_is_answered_politely(twilio, world):
    assert twilio.text(UNKNOWN_MSISDN, "BAL").startswith("This number is not registered with us.")


@pytest.mark.smoke
def test_unsigned_and_forged_requests_are_refused(twilio, world, session):
    form = twilio.form(PREPAID_MSISDN, "BAL")
    assert twilio.client.post("/channels/sms/twilio", data=form).status_code == 403
    assert twilio.post("/channels/sms/twilio", form, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    forged = TwilioWebhook(twilio.client, token="someone-elses-token")
    assert forged.post("/channels/sms/twilio", form).status_code == 403
    # A genuine signature over different content: the body was altered in flight.
    signature = RequestValidator(twilio.token).compute_signature("http://localhost/channels/sms/twilio", form)
    tampered = {**form, "Body": "TOPUP 12345678901234"}
    assert twilio.post("/channels/sms/twilio", tampered, signature=signature).status_code == 403
    assert twilio.post("/channels/sms/twilio", form, signature=signature).status_code == 200
    assert session.scalar(sa.select(sa.func.count(Interaction.id)).where(Interaction.direction == "in")) == 1


class TestBehindAProxy:
    @pytest.fixture
    def channel_env(self):
        return {"TWILIO_PUBLIC_URL": "https://bss.example.com"}

    def test_the_signature_is_checked_against_the_public_url(self, client, world):
        public = TwilioWebhook(client, signing_base="https://bss.example.com")
        assert public.text(PREPAID_MSISDN, "BAL").startswith("Balance:")
        internal = TwilioWebhook(client)  # signed for the address the proxy forwards to
        assert internal.post("/channels/sms/twilio", internal.form(PREPAID_MSISDN, "BAL")).status_code == 403


class TestWithoutAToken:
    @pytest.fixture
    def channel_env(self):
        return {"TWILIO_AUTH_TOKEN": ""}

    def test_nothing_is_accepted(self, client, world):
        twilio = TwilioWebhook(client, token="anything")
        assert twilio.post("/channels/sms/twilio", twilio.form(PREPAID_MSISDN, "BAL")).status_code == 403


def test_status_callbacks_update_the_message(twilio, world, session, clock):
    from crm.conversations.interactions import record_outbound

    message = record_outbound(session, clock, channel="sms", address=PREPAID_MSISDN, text="hi", customer_id=None,
                              status="queued", provider_ref="SM" + "a" * 32)
    session.commit()
    for status in ("sent", "delivered", "sent"):  # a late "sent" must not undo "delivered"
        form = {"MessageSid": message.provider_ref, "MessageStatus": status, "AccountSid": "AC1",
                "To": PREPAID_MSISDN}
        assert twilio.post("/channels/sms/twilio/status", form).status_code == 204
    session.refresh(message)
    assert message.status == "delivered"
    assert twilio.client.post("/channels/sms/twilio/status", data={"MessageSid": "x"}).status_code == 403
