"""TMF677 ``queryUsageConsumption``: balances and buckets of a line, asked the TMF way."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.rating import rate_usage
from billing.rating.models import ConsumptionQuery

URL = "/tmf-api/usageConsumption/v4/queryUsageConsumption"


@pytest.mark.smoke
def test_query_by_msisdn_shows_buckets_and_balance(api, session, clock, events, operator):
    line = operator.line(balance="100")
    operator.bucket(line, "voice", 600, scope="national")
    rate_usage(session, clock, events, [operator.usage(line, seconds=90)])
    session.commit()
    response = api.post(URL, json={"searchCriteria": {"logicalResource": [{"name": "0" + line.msisdn[4:]}]}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["@type"] == "QueryUsageConsumption" and body["queryUsageConsumptionDate"].endswith("Z")
    assert response.headers["Location"].endswith(f"/queryUsageConsumption/{body['id']}")
    [consumption] = body["usageConsumption"]
    assert consumption["product"][0]["id"] == str(line.id)
    voice, money = consumption["bucketRefOrValue"]
    assert voice["usageType"] == "voice" and voice["remainingValue"] == {"amount": 510, "units": "seconds"}
    assert voice["bucketCounter"][0]["value"] == {"amount": 90, "units": "seconds"}
    assert money["usageType"] == "monetary" and money["remainingValue"]["units"] == "KES"
    assert Decimal(str(money["remainingValue"]["amount"])) == Decimal("100.00")
    again = api.get(f"{URL}/{body['id']}")
    assert again.status_code == 200 and again.get_json()["usageConsumption"] == body["usageConsumption"]


def test_query_by_product_and_by_account(api, session, operator):
    line = operator.line("postpaid")
    session.commit()
    by_product = api.post(URL, json={"searchCriteria": {"product": [{"id": str(line.id)}]}})
    assert by_product.status_code == 201
    [consumption] = by_product.get_json()["usageConsumption"]
    assert consumption["bucketRefOrValue"] == []  # postpaid: no money balance, no buckets yet
    by_account = api.post(URL, json={"partyAccount": [{"id": str(line.billing_account_id)}]})
    assert [c["product"][0]["id"] for c in by_account.get_json()["usageConsumption"]] == [str(line.id)]
    stored = session.scalars(sa.select(ConsumptionQuery).order_by(ConsumptionQuery.id)).all()
    assert [(str(q.id), q.lines) for q in stored] == [(by_product.get_json()["id"], [line.id]),
                                                      (by_account.get_json()["id"], [line.id])]


@pytest.mark.parametrize(("body", "status", "words"), [
    ({}, 400, "searchCriteria"),
    ({"searchCriteria": {"product": [{"id": "abc"}]}}, 400, "no product"),
    ({"searchCriteria": {"product": [{"id": "99999"}]}}, 404, "no product"),
    ({"searchCriteria": {"logicalResource": [{"name": "not a number"}]}}, 400, ""),
    ({"searchCriteria": {"logicalResource": [{}]}}, 400, "MSISDN"),
])
def test_bad_queries_get_a_reason(api, operator, body, status, words):
    response = api.post(URL, json=body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["@type"] == "Error" and words in response.get_json()["reason"]
    assert operator.session.scalar(sa.select(sa.func.count(ConsumptionQuery.id))) == 0


def test_unknown_query_is_404(api):
    assert api.get(f"{URL}/12345").status_code == 404
