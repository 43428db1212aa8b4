"""The phone simulator: its JSON routes reach the real endpoints; in Chromium it dials *123#."""
from __future__ import annotations

import os

import pytest

from tests.conversations.world import PREPAID_MSISDN
from tests.live_server import unavailable


def test_the_page_lists_demo_lines_and_is_linked_from_the_landing_page(client, world):
    page = client.get("/simulator")
    assert page.status_code == 200
    assert PREPAID_MSISDN in page.get_data(as_text=True)
    assert 'href="/simulator"' in client.get("/").get_data(as_text=True)


def test_ussd_and_sms_through_the_simulator_routes(client, world):
    first = client.post("/simulator/ussd", json={"msisdn": PREPAID_MSISDN, "text": ""}).get_json()
    assert first["ended"] is False and first["reply"].startswith("Welcome")
    second = client.post("/simulator/ussd", json={"msisdn": PREPAID_MSISDN, "text": "1",
                                                  "sessionId": first["sessionId"]}).get_json()
    assert second["ended"] is True and second["reply"].startswith("Balance: KES 500.00")
    sms = client.post("/simulator/sms", json={"msisdn": PREPAID_MSISDN, "text": "BAL"}).get_json()
    assert sms["reply"].startswith("Balance: KES 500.00")  # signed and posted to the Twilio webhook
    assert client.post("/simulator/ussd", json={"msisdn": 5}).status_code == 400


class TestOutsideTheDemo:
    @pytest.fixture
    def channel_env(self):
        return {"DEMO_DATA": "0"}

    def test_it_is_not_served(self, client, world):
        assert client.get("/simulator").status_code == 404
        assert client.post("/simulator/sms", json={"msisdn": PREPAID_MSISDN, "text": "BAL"}).status_code == 404


@pytest.mark.browser
def test_dial_star_123_and_check_the_balance_in_chromium(live_server, world, tmp_path):
    from tests.web.test_pages_browser import ARGS, CHROMIUM

    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} not installed: run `make browser-deps`")
    from playwright.sync_api import expect, sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/simulator")
        page.select_option("#msisdn", PREPAID_MSISDN)
        for key in "*123#":
            page.locator(f'.keypad [data-key="{key}"]').click()
        expect(page.locator("#dialled")).to_have_text("*123#")
        page.locator("#call").click()
        expect(page.locator("#display")).to_contain_text("Balance & bundles")
        page.locator('.keypad [data-key="1"]').click()
        page.locator("#call").click()
        expect(page.locator("#display")).to_contain_text("Balance: KES 500.00")
        page.fill("#sms-text", "BAL")
        page.locator("#sms-form button").click()
        expect(page.locator("#thread li.in")).to_contain_text("Balance: KES 500.00")
        page.screenshot(path=str(tmp_path / "simulator.png"), full_page=True)
        page.screenshot(path="/tmp/simulator.png", full_page=True)
        browser.close()
    assert not errors, errors
