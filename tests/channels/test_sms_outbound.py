"""Outbound SMS through our unchanged Twilio client against a fake of Twilio's REST API, and
the CRM turning events into messages on the customer's channel."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from channels.sms.twilio_sender import TwilioSender
from crm.conversations.models import Interaction
from tests.channels.twilio_fakes import ACCOUNT_SID, FakeTwilioApi, TwilioWebhook
from tests.conversations.world import PREPAID_MSISDN, TWILIO_TOKEN


@pytest.fixture
def fake_twilio():
    with FakeTwilioApi() as fake:
        yield fake


@pytest.fixture
def channel_env(fake_twilio):
    return {"SMS_OUTBOUND": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_FROM_NUMBER": "+254700000100",
            "TWILIO_API_BASE_URL": fake_twilio.url, "TWILIO_PUBLIC_URL": "https://bss.example.com"}


def test_the_twilio_client_sends_through_the_configured_base_url(fake_twilio):
    sender = TwilioSender(account_sid=ACCOUNT_SID, auth_token=TWILIO_TOKEN, from_number="+254700000100",
                          base_url=fake_twilio.url)
    sent = sender.send(PREPAID_MSISDN, "Habari!")
    assert sent.status == "queued" and sent.provider_ref.startswith("SM")
    assert fake_twilio.messages == [{"To": PREPAID_MSISDN, "From": "+254700000100", "Body": "Habari!",
                                     "sid": sent.provider_ref}]


def test_a_refused_send_is_recorded_as_failed(app, session, clock, fake_twilio):
    registry = app.extensions["bss.outbound"]
    registry.register("sms", TwilioSender(account_sid=ACCOUNT_SID, auth_token="wrong", from_number="+1",
                                          base_url=fake_twilio.url))
    message = registry.send(session, clock, channel="sms", address=PREPAID_MSISDN, text="hello")
    assert message.status == "failed" and "401" in message.error
    assert fake_twilio.messages == []


@pytest.mark.smoke
def test_an_event_becomes_an_sms_whose_status_twilio_reports_back(app, client, session, clock, events, world,
                                                                   fake_twilio):
    events.publish("order.completed", order_id=77, customer_id=world.prepaid_customer.id, channel="api",
                   state="completed", items=[{"msisdn": PREPAID_MSISDN}])
    queued = session.scalar(sa.select(Interaction).where(Interaction.direction == "out"))
    assert (queued.status, queued.text, queued.purpose) == ("queued", "Your order 77 is complete.", "notification")
    assert fake_twilio.messages == []  # nothing leaves before the transaction commits
    session.commit()
    assert app.extensions["bss.outbound"].dispatch(session, clock) == 1
    session.commit()
    assert fake_twilio.messages[0]["Body"] == "Your order 77 is complete."
    assert fake_twilio.messages[0]["StatusCallback"] == "https://bss.example.com/channels/sms/twilio/status"
    session.refresh(queued)
    assert queued.provider_ref == fake_twilio.messages[0]["sid"]

    twilio = TwilioWebhook(client, signing_base="https://bss.example.com")
    callback = {"MessageSid": queued.provider_ref, "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID}
    assert twilio.post("/channels/sms/twilio/status", callback).status_code == 204
    session.refresh(queued)
    assert queued.status == "delivered"


def test_orders_placed_in_a_self_service_session_are_not_texted_again(session, events, world, fake_twilio):
    events.publish("order.completed", order_id=5, customer_id=world.prepaid_customer.id, channel="ussd",
                   state="completed", items=[{"msisdn": PREPAID_MSISDN}])
    assert session.scalar(sa.select(sa.func.count(Interaction.id))) == 0


class TestAfterTheRequestCommits:
    @pytest.fixture
    def channel_env(self):
        return {"SMS_OUTBOUND": "log"}

    def test_an_order_placed_through_the_api_is_texted_once_it_has_committed(self, api, world, session):
        bundle = world.bundles["DATA-DAY-1GB"]
        body = {"productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": str(bundle.id)},
                                      "product": {"id": str(world.prepaid_line.id)}}],
                "relatedParty": [{"id": str(world.prepaid_customer.id), "role": "customer",
                                  "@referredType": "Customer"}],
                "billingAccount": {"id": str(world.prepaid.id)}}
        response = api.post("/tmf-api/productOrderingManagement/v4/productOrder", json=body)
        assert response.status_code == 201 and response.get_json()["state"] == "completed", response.get_json()
        session.expire_all()
        message = session.scalar(sa.select(Interaction).where(Interaction.purpose == "notification"))
        assert message.text == f"Your order {response.get_json()['id']} is complete."
        assert (message.address, message.status) == (PREPAID_MSISDN, "sent")  # sent by the after-request hook
        assert message.provider_ref.startswith("log-")


def test_a_bucket_threshold_from_rating_reaches_the_line_owner(session, events, world):
    events.publish("bucket.threshold_crossed", bucket_id=1, subscription_id=world.postpaid_line.id,
                   msisdn=world.postpaid_line.msisdn, service="data", threshold=80, remaining=10, initial=50)
    message = session.scalar(sa.select(Interaction).where(Interaction.purpose == "notification"))
    assert (message.text, message.customer_id, message.address, message.status) == (
        "You have used 80% of your data bundle.", world.postpaid_customer.id, world.postpaid_line.msisdn, "queued")


def test_a_low_balance_from_rating_reaches_the_customer(session, events, world):
    from decimal import Decimal

    events.publish("balance.low", account_id=world.prepaid.id, customer_id=world.prepaid_customer.id,
                   balance=Decimal("12.5"), threshold=Decimal("20"), currency="KES")
    message = session.scalar(sa.select(Interaction).where(Interaction.purpose == "notification"))
    assert (message.text, message.customer_id, message.address, message.status) == (
        "Your balance is low: KES 12.50. Dial *123# to top up or buy a bundle.", world.prepaid_customer.id,
        PREPAID_MSISDN, "queued")


def _order_completed(events, world, order_id: int) -> None:
    events.publish("order.completed", order_id=order_id, customer_id=world.prepaid_customer.id, channel="api",
                   state="completed", items=[{"msisdn": PREPAID_MSISDN}])


def test_work_outside_a_request_sends_what_it_queued_when_it_ends(app, events, world, fake_twilio):
    from core.db import db

    # As a CLI command or a Celery task runs: its own app context, its own session.
    with app.app_context():
        _order_completed(events, world, 78)
        db.session.commit()
        assert fake_twilio.messages == []
    assert [m["Body"] for m in fake_twilio.messages] == ["Your order 78 is complete."]

    # Work that fails and rolls back sends nothing, and nothing it left is committed by the sender.
    with app.app_context():
        _order_completed(events, world, 79)
        db.session.rollback()
    assert len(fake_twilio.messages) == 1


def test_the_notifications_command_sends_what_is_left_queued(app, session, events, world, fake_twilio):
    _order_completed(events, world, 80)
    _order_completed(events, world, 81)
    session.commit()
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0 and "2 message(s) sent" in result.output
    assert [m["Body"] for m in fake_twilio.messages] == ["Your order 80 is complete.", "Your order 81 is complete."]
    # Twilio answers "queued" with its message id: handed over, so a second run sends nothing again.
    again = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert again.exit_code == 0 and "0 message(s) sent" in again.output
    assert len(fake_twilio.messages) == 2


@pytest.mark.parametrize("own, partys, expected", [
    ([("+254711000001", False), ("+254711000002", True)], [("+254722000001", True)], "+254711000002"),
    ([("+254711000001", False), ("+254711000002", False)], [], "+254711000001"),
    ([], [("+254722000001", False), ("+254722000002", True)], "+254722000002"),
    ([], [], None),
])
def test_a_notice_goes_to_the_number_the_contact_rules_pick(session, clock, events, own, partys, expected):
    """The one-statement read of the recipient picks what ``crm.contacts.preferred_medium`` picks:
    the customer's own mobile numbers first, then its party's; the preferred one, else the first."""
    from crm.contacts import ContactDetails, preferred_medium
    from crm.customers import create_customer
    from crm.parties import create_individual

    def media(numbers):
        return [ContactDetails(medium_type="mobile", phone_number=n, preferred=p) for n, p in numbers]

    party = create_individual(session, clock, default_region="KE", given_name="Amina", family_name="Otieno",
                              contact_media=media(partys))
    customer = create_customer(session, clock, party=party, contact_media=media(own), default_region="KE")
    session.commit()
    medium = preferred_medium(customer, "mobile") or preferred_medium(customer.party, "mobile")
    assert (medium.phone_number if medium else None) == expected

    events.publish("balance.low", account_id=1, customer_id=customer.id, balance=Decimal("3"),
                   threshold=Decimal("20"), currency="KES")
    sent = session.scalars(sa.select(Interaction.address).where(Interaction.purpose == "notification")).all()
    assert sent == ([expected] if expected else [])
