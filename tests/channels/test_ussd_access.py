"""Only the USSD aggregator may call: token, IP allow-list, else loopback only."""
from __future__ import annotations

import pytest

from channels.ussd.access import is_allowed
from tests.channels.handset import Handset
from tests.conversations.world import PREPAID_MSISDN

FORM = {"sessionId": "ATUid_1", "serviceCode": "*123#", "phoneNumber": PREPAID_MSISDN, "networkCode": "63902",
        "text": ""}


def test_with_nothing_configured_only_loopback_may_call(client, world):
    assert Handset(client, PREPAID_MSISDN).raw(FORM).status_code == 200
    outsider = Handset(client, PREPAID_MSISDN, environ={"REMOTE_ADDR": "203.0.113.9"})
    assert outsider.raw(FORM).status_code == 403
    assert outsider.raw(FORM, "").status_code == 403


class TestToken:
    @pytest.fixture
    def channel_env(self):
        return {"USSD_CALLBACK_TOKEN": "s3cret-callback"}

    @pytest.mark.smoke
    def test_the_token_is_required(self, client, world):
        phone = Handset(client, PREPAID_MSISDN, environ={"REMOTE_ADDR": "196.201.214.7"})
        assert phone.raw(FORM).status_code == 403
        assert phone.raw(FORM, "?token=wrong").status_code == 403
        response = phone.raw(FORM, "?token=s3cret-callback")
        assert response.status_code == 200 and response.get_data(as_text=True).startswith("CON ")
        assert phone.client.post("/channels/ussd/events", data={"sessionId": "x"}).status_code == 403


class TestAllowList:
    @pytest.fixture
    def channel_env(self):
        return {"USSD_ALLOWED_IPS": "196.201.214.0/24, 10.9.8.7"}

    def test_only_listed_addresses(self, client, world):
        inside = Handset(client, PREPAID_MSISDN, environ={"REMOTE_ADDR": "196.201.214.200"})
        assert inside.raw(FORM).status_code == 200
        assert Handset(client, PREPAID_MSISDN, environ={"REMOTE_ADDR": "10.9.8.7"}).raw(FORM).status_code == 200
        assert Handset(client, PREPAID_MSISDN, environ={"REMOTE_ADDR": "10.9.8.8"}).raw(FORM).status_code == 403
        assert Handset(client, PREPAID_MSISDN).raw(FORM).status_code == 403  # loopback is not listed


@pytest.mark.parametrize(("remote", "token", "expected", "ips", "allowed"), [
    ("127.0.0.1", None, "", "", True),
    ("::1", None, "", "", True),
    ("10.0.0.1", None, "", "", False),
    ("10.0.0.1", "t", "t", "", True),
    ("10.0.0.1", "t", "t", "10.0.0.0/8", True),
    ("10.0.0.1", "t", "t", "192.168.0.0/16", False),  # both configured: both must pass
    ("10.0.0.1", "x", "t", "10.0.0.0/8", False),
    ("10.0.0.1", None, "", "not-an-address", False),  # a broken list lets nobody in
    ("garbage", None, "", "", False),
])
def test_access_rules(remote, token, expected, ips, allowed):
    assert is_allowed(remote_addr=remote, token=token, expected_token=expected, allowed_ips=ips) is allowed


class TestMisconfigured:
    @pytest.fixture
    def channel_env(self):
        return {"VOUCHER_SECRET": ""}

    def test_an_internal_error_ends_politely(self, client, world, vouchers):
        # Without the voucher key nothing can be redeemed: the handset hears a polite END, not a 500.
        phone = Handset(client, PREPAID_MSISDN)
        phone.dial()
        phone.press(phone.option("Top up (voucher)"))
        assert phone.press("12345678901234") == "END Sorry, something went wrong. Please try again later."
