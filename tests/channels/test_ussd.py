"""An Africa's Talking USSD session walks every dialog, with balances and orders really changed."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.buckets import live_buckets
from billing.charges import unbilled_charges
from billing.vouchers.models import Voucher
from crm.cases.models import SupportCase
from crm.conversations.models import Conversation, Interaction
from orders.models import ProductOrder
from tests.channels.handset import Handset
from tests.conversations.world import POSTPAID_MSISDN, PREPAID_MSISDN, UNKNOWN_MSISDN


@pytest.fixture
def phone(client, world):
    return Handset(client, PREPAID_MSISDN)


@pytest.mark.smoke
def test_balance_and_buckets(phone, world):
    menu = phone.dial()
    assert menu.startswith("CON Welcome")
    assert "Balance & bundles" in menu and "Top up (voucher)" in menu
    assert "My last bill" not in menu  # there are no bills until billing runs them
    answer = phone.press(phone.option("Balance & bundles"))
    assert answer.startswith("END Balance: KES 500.00")


@pytest.mark.smoke
def test_buy_a_bundle_with_confirmation_debits_the_balance_and_grants_the_bucket(phone, world, session):
    phone.dial()
    bundles = phone.press(phone.option("Buy a bundle"))
    assert bundles.startswith("CON Choose a bundle:")
    assert "98. More" in bundles and "0. Back" in bundles  # eight bundles do not fit one screen
    second = phone.press("98")
    assert "98. More" not in second or second != bundles
    first_again = phone.press("0")
    assert first_again == bundles
    confirm = phone.press(phone.option("Daily 1 GB KES 99.00"))
    assert "Buy Daily 1 GB for KES 99.00?" in confirm and "1. Yes" in confirm
    done = phone.press("1")
    assert done.startswith("END Order ") and "completed" in done
    order = session.scalar(sa.select(ProductOrder))
    assert order.channel == "ussd" and order.state == "completed"
    assert world.balance() == Decimal("401")
    buckets = live_buckets(session, world.prepaid_line.id, order.order_date)
    assert [(b.service, b.initial) for b in buckets] == [("data", 1024 * 1024 * 1024)]

    phone.dial()
    summary = phone.press(phone.option("Balance & bundles"))
    assert "Balance: KES 401.00" in summary and "1024 MB till" in summary


def test_declining_the_confirmation_changes_nothing(phone, world, session):
    phone.dial()
    phone.press(phone.option("Buy a bundle"))
    phone.press("1")
    assert phone.press("2") == "END Cancelled. Nothing was changed."
    assert session.scalar(sa.select(sa.func.count(ProductOrder.id))) == 0
    assert world.balance() == Decimal("500")


def test_a_bundle_dearer_than_the_balance_is_refused_politely(phone, world, session):
    phone.dial()
    phone.press(phone.option("Buy a bundle"))
    phone.press(phone.option("Monthly 10 GB KES 1,000.00"))
    answer = phone.press("1")
    assert answer.startswith("END Your balance of KES 500.00 is not enough")
    assert world.balance() == Decimal("500")


def test_postpaid_purchase_is_charged_on_the_next_bill(client, world, session):
    phone = Handset(client, POSTPAID_MSISDN)
    menu = phone.dial()
    assert "Top up" not in menu  # vouchers are for prepaid lines
    phone.press(phone.option("Buy a bundle"))
    confirm = phone.press(phone.option("Daily 50 Minutes KES 50.00"))
    assert "Charged on your next bill." in confirm
    assert phone.press("1").startswith("END Order ")
    charges = unbilled_charges(session, world.postpaid.id)
    assert [c.amount for c in charges] == [Decimal("50")]


@pytest.mark.smoke
def test_top_up_with_a_voucher_then_the_same_pin_again(phone, world, vouchers, session):
    pin = vouchers[0].pin
    phone.dial()
    assert phone.press(phone.option("Top up (voucher)")) == "CON Enter the voucher PIN:\n0. Back"
    assert phone.press("123").startswith("CON A voucher PIN is 10 to 20 digits.")  # re-prompted
    assert phone.press(pin) == "END Top-up of KES 100.00 received. New balance: KES 600.00."
    assert world.balance() == Decimal("600")
    voucher = session.scalar(sa.select(Voucher).where(Voucher.serial == vouchers[0].serial))
    assert voucher.status == "redeemed" and voucher.redeemed_msisdn == PREPAID_MSISDN

    phone.dial()
    phone.press(phone.option("Top up (voucher)"))
    assert phone.press(pin) == "END That voucher has already been used."
    assert world.balance() == Decimal("600")


def test_dialling_a_voucher_pin_tops_up_at_once(phone, world, vouchers):
    answer = phone.dial(vouchers[1].pin)  # *123*<PIN>#
    assert answer == "END Top-up of KES 100.00 received. New balance: KES 600.00."


def test_guessing_voucher_pins_locks_the_line_out_for_an_hour(phone, world, vouchers, clock, session):
    wrong = ["11112222333344", "22223333444455", "33334444555566", "44445555666677", "55556666777788"]
    for pin in wrong:
        assert phone.dial(pin) == "END That voucher PIN is not valid. Check the digits and try again."
    clock.advance(minutes=10)
    # Even the right PIN is refused now, and the balance is untouched; the time is Nairobi's
    # (the first refusal at 09:30 UTC, plus the hour).
    locked = phone.dial(vouchers[0].pin)
    assert locked == "END Too many wrong voucher PINs. For your security, try again after 13:30."
    assert world.balance() == Decimal("500")
    voucher = session.scalar(sa.select(Voucher).where(Voucher.serial == vouchers[0].serial))
    assert voucher.status == "active"
    clock.advance(minutes=51)
    assert phone.dial(vouchers[0].pin) == "END Top-up of KES 100.00 received. New balance: KES 600.00."


def test_a_menu_shortcut_jumps_to_the_menu_entry(phone, world):
    assert phone.dial("3").startswith("CON Enter the voucher PIN:")  # *123*3#
    assert phone.dial("1").startswith("END Balance:")  # *123*1#


def test_recent_charges_and_order_status(phone, world, session):
    phone.dial()
    phone.press(phone.option("Buy a bundle"))
    phone.press("98")
    phone.press(phone.option("Weekly 200 SMS KES 30.00"))
    phone.press("1")
    order = session.scalar(sa.select(ProductOrder))

    phone.dial()
    charges = phone.press(phone.option("Recent charges"))
    assert charges.startswith("END Recent charges:") and "-30.00" in charges and "+500.00" in charges

    phone.dial()
    listing = phone.press(phone.option("Order status"))
    assert f"#{order.id}" in listing
    assert phone.press("1") == f"END Order {order.id}: completed."


def test_report_a_problem_opens_a_complaint_case(phone, world, session):
    phone.dial()
    assert phone.press(phone.option("Report a problem")).startswith("CON Describe the problem")
    assert phone.press("no").startswith("CON Please describe")  # too short: asked again
    answer = phone.press("No data since morning")
    case = session.scalar(sa.select(SupportCase))
    assert answer == f"END Thank you. Complaint {case.number} is open; an agent will contact you."
    assert (case.kind, case.customer_id, case.description) == ("complaint", world.prepaid_customer.id,
                                                               "No data since morning")


def test_talk_to_an_agent_opens_a_call_back_request(phone, world, session):
    phone.dial()
    answer = phone.press(phone.option("Talk to an agent"))
    case = session.scalar(sa.select(SupportCase))
    assert case.kind == "callback" and case.number in answer


def test_language_choice_sticks_to_the_customer(phone, world, session):
    phone.dial()
    phone.press(phone.option("Language"))
    assert phone.press("2") == "END Lugha imewekwa Kiswahili."
    assert world.prepaid_customer.preferred_language == "sw"
    menu = phone.dial()
    assert menu.startswith("CON Karibu") and "Salio na vifurushi" in menu


def test_invalid_input_re_prompts(phone, world):
    phone.dial()
    answer = phone.press("77")
    assert answer.startswith("CON Invalid choice.\nWelcome")


def test_an_unregistered_number_can_still_reach_a_human(client, world, session):
    phone = Handset(client, UNKNOWN_MSISDN)
    menu = phone.dial()
    assert "not registered" in menu and "Balance" not in menu
    answer = phone.press(phone.option("Talk to an agent"))
    assert answer.startswith("END An agent will call you back soon.")
    case = session.scalar(sa.select(SupportCase))
    assert (case.customer_id, case.contact_address) == (None, UNKNOWN_MSISDN)


def test_a_number_that_is_no_phone_number_ends_politely(client, world):
    phone = Handset(client, "not-a-number")
    assert phone.dial() == "END Sorry, something went wrong. Please try again later."


def test_a_session_silent_for_180_seconds_is_over(phone, world, clock, session):
    phone.dial()
    phone.press(phone.option("Buy a bundle"))
    clock.advance(seconds=181)
    assert phone.press("1") == "END Your session has expired. Please dial again."
    assert session.scalar(sa.select(Conversation.status)) == "expired"
    assert session.scalar(sa.select(sa.func.count(ProductOrder.id))) == 0


def test_every_hop_is_recorded_and_the_end_notification_too(phone, client, world, session):
    phone.dial()
    phone.press(phone.option("Balance & bundles"))
    response = client.post("/channels/ussd/events", data={
        "sessionId": phone.session_id, "serviceCode": "*123#", "phoneNumber": PREPAID_MSISDN,
        "networkCode": "63902", "status": "Success", "cost": "KES 0.00", "durationInMillis": "4200",
        "hopsCount": "2", "input": "1", "lastAppResponse": "END Balance", "errorMessage": ""})
    assert response.status_code == 200
    rows = session.scalars(sa.select(Interaction).order_by(Interaction.id)).all()
    assert [(r.direction, r.purpose) for r in rows] == [
        ("in", "selfService"), ("out", "selfService"), ("in", "selfService"), ("out", "selfService"),
        ("in", "sessionEnd")]
    assert rows[0].raw["sessionId"] == phone.session_id
    assert rows[-1].raw["status"] == "Success"


def test_a_late_hop_of_a_finished_session_is_not_replayed(phone, world, session):
    phone.dial()
    phone.press(phone.option("Buy a bundle"))
    phone.press("1")
    phone.press("1")
    assert session.scalar(sa.select(sa.func.count(ProductOrder.id))) == 1
    assert phone.press("1") == "END Your session has expired. Please dial again."
    assert session.scalar(sa.select(sa.func.count(ProductOrder.id))) == 1
