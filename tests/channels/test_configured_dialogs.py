"""The operator chooses the self-service dialogs (``SELFSERVICE_DIALOGS``): the USSD menu shows
those, in that order, and an SMS keyword for one switched off is answered politely."""
from __future__ import annotations

import pytest

from tests.channels.handset import Handset
from tests.channels.twilio_fakes import TwilioWebhook
from tests.conversations.world import PREPAID_MSISDN


@pytest.fixture
def channel_env():
    return {"SELFSERVICE_DIALOGS": "agent, balance"}


def test_the_menu_offers_the_dialogs_configured_in_their_order(client, world):
    menu = Handset(client, PREPAID_MSISDN).dial()
    assert menu.splitlines()[1:] == ["1. Talk to an agent", "2. Balance & bundles"]


def test_a_keyword_for_a_dialog_switched_off_is_answered_politely(client, world):
    twilio = TwilioWebhook(client)
    assert twilio.text(PREPAID_MSISDN, "BAL").startswith("Balance: KES 500.00")
    assert twilio.text(PREPAID_MSISDN, "BUY DATA-DAY-1GB") == "That service is not available yet."
    assert twilio.text(PREPAID_MSISDN, "TOPUP 1234567890") == "That service is not available yet."
