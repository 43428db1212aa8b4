"""TMF683 partyInteraction: the messages a USSD session and an SMS exchanged, read back."""
from __future__ import annotations

import pytest

from tests.channels.handset import Handset
from tests.channels.twilio_fakes import TwilioWebhook
from tests.conversations.world import PREPAID_MSISDN

URL = "/tmf-api/partyInteraction/v4/partyInteraction"


@pytest.mark.smoke
def test_interactions_of_both_channels_are_listed_newest_first(api, client, world):
    phone = Handset(client, PREPAID_MSISDN)
    phone.dial()
    phone.press(phone.option("Balance & bundles"))
    TwilioWebhook(client).text(PREPAID_MSISDN, "HELP")

    response = api.get(URL)
    assert response.status_code == 200
    items = response.get_json()
    assert response.headers["X-Total-Count"] == "6"
    newest = items[0]
    assert newest["direction"] == "outbound" and newest["channel"][0]["id"] == "sms"
    assert newest["interactionItem"][0]["item"]["text"].startswith("Send BAL for balance")
    assert newest["relatedParty"][0] == {"id": str(world.prepaid_customer.id), "role": "customer",
                                         "@referredType": "Customer",
                                         "href": f"http://localhost/tmf-api/customerManagement/v4/customer/"
                                                 f"{world.prepaid_customer.id}"}
    assert newest["creationDate"].endswith("Z")

    ussd_in = api.get(URL, query_string={"channel.id": "ussd", "direction": "inbound"}).get_json()
    assert [i["interactionItem"][0]["item"]["text"] for i in ussd_in] == ["1", ""]
    one = api.get(f"{URL}/{ussd_in[0]['id']}").get_json()
    assert one["status"] == "received" and one["href"].endswith(f"/partyInteraction/{ussd_in[0]['id']}")
    by_number = api.get(URL, query_string={"relatedParty.id": PREPAID_MSISDN})
    assert by_number.headers["X-Total-Count"] == "6"


def test_read_only_and_unknown_ids(api, world):
    assert api.post(URL, json={"direction": "inbound"}).status_code == 405
    assert api.get(f"{URL}/999").status_code == 404
    assert api.client.get(URL).status_code == 401  # the API wants a bearer token like every TMF API
