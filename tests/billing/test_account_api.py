"""TMF666 billingAccount over HTTP: shapes, defaults, filters, changes and refusals."""
from __future__ import annotations

from decimal import Decimal

import pytest

from billing.balances import credit_balance
from billing.models import BillingAccount
from core.db import db

URL = "/tmf-api/accountManagement/v4/billingAccount"


def customer_party(customer_id: int) -> list[dict]:
    return [{"id": str(customer_id), "role": "customer", "@referredType": "Customer", "name": "Amina"}]


def post(api, **body):
    return api.post(URL, json=body)


@pytest.mark.smoke
def test_minimal_post_makes_a_prepaid_account_in_the_operator_currency(api, customer_id):
    response = post(api, relatedParty=[{"id": str(customer_id)}])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["href"].endswith(f"{URL}/{body['id']}") and response.headers["Location"] == body["href"]
    assert body["@type"] == "BillingAccount"
    assert (body["accountType"], body["state"], body["currency"]) == ("prepaid", "Active", "KES")
    assert body["name"] == "Prepaid account"
    assert body["relatedParty"][0]["id"] == str(customer_id)
    assert body["relatedParty"][0]["role"] == "customer" and body["relatedParty"][0]["name"] == "Amina Otieno"
    [balance] = body["accountBalance"]
    assert balance["balanceType"] == "prepaid" and balance["amount"] == {"unit": "KES", "value": 0}
    assert balance["validFor"]["startDateTime"] == "2026-03-02T09:30:00.000Z"
    assert body["lastModified"].endswith("Z")
    assert "billStructure" not in body and "creditLimit" not in body
    account = db.session.get(BillingAccount, int(body["id"]))
    assert (account.customer_id, account.payment_type, account.currency, account.state, account.name,
            account.bill_cycle_day, account.credit_limit) == \
        (customer_id, "prepaid", "KES", "Active", "Prepaid account", None, None)


def test_postpaid_account_with_bill_cycle_and_credit_limit(api, customer_id):
    # Raw JSON, so the credit limit arrives as a JSON number exactly as a client writes it.
    raw = ('{"name": "Acme Ltd", "accountType": "postpaid", "relatedParty": [{"id": "%s", "role": "Customer"}],'
           ' "creditLimit": {"unit": "KES", "value": 5000.50},'
           ' "billStructure": {"cycleSpecification": {"billingDateShift": 14}}}').replace("%s", str(customer_id))
    response = api.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["creditLimit"] == {"unit": "KES", "value": 5000.5}
    assert body["billStructure"]["cycleSpecification"]["billingDateShift"] == 14
    assert "accountBalance" not in body
    account = db.session.get(BillingAccount, int(body["id"]))
    assert (account.payment_type, account.bill_cycle_day, account.credit_limit) == ("postpaid", 15,
                                                                                     Decimal("5000.50"))
    assert b'"value": 5000.50' in response.data or b'"value":5000.50' in response.data


def test_bill_cycle_day_alone_makes_a_postpaid_account(api, customer_id):
    body = post(api, relatedParty=customer_party(customer_id), billCycleDay=28, currency="usd").get_json()
    assert (body["accountType"], body["currency"]) == ("postpaid", "USD")
    assert body["billStructure"]["cycleSpecification"]["billingDateShift"] == 27
    account = db.session.get(BillingAccount, int(body["id"]))
    assert (account.payment_type, account.currency, account.bill_cycle_day) == ("postpaid", "USD", 28)


def test_balance_shows_in_account_balance(api, customer_id, clock, events):
    account_id = post(api, relatedParty=customer_party(customer_id)).get_json()["id"]
    account = db.session.get(BillingAccount, int(account_id))
    credit_balance(db.session, clock, events, account=account, amount=Decimal("250.75"), reason="topup")
    db.session.commit()
    body = api.get(f"{URL}/{account_id}").get_json()
    assert body["accountBalance"][0]["amount"] == {"unit": "KES", "value": 250.75}


def test_get_unknown_is_404_in_tmf_error_shape(api):
    for ident in ("999", "abc"):
        response = api.get(f"{URL}/{ident}")
        assert response.status_code == 404
        assert response.get_json()["@type"] == "Error"


@pytest.mark.smoke
def test_list_filters_fields_and_paging(api, customer_id, new_customer):
    other = new_customer("Baraka Mwangi")
    first = post(api, relatedParty=customer_party(customer_id), name="Home").get_json()
    post(api, relatedParty=customer_party(customer_id), accountType="postpaid", name="Work")
    post(api, relatedParty=customer_party(other), name="Baraka prepaid")
    response = api.get(URL)
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3" and len(response.get_json()) == 3
    response = api.get(URL, query_string={"relatedParty.id": customer_id})
    assert [a["name"] for a in response.get_json()] == ["Home", "Work"]
    response = api.get(URL, query_string={"accountType": "postpaid"})
    assert [a["name"] for a in response.get_json()] == ["Work"]
    response = api.get(URL, query_string={"state": "Active", "limit": 1, "offset": 1, "fields": "name"})
    assert response.headers["X-Total-Count"] == "3" and response.headers["X-Result-Count"] == "1"
    assert response.get_json() == [{"id": response.get_json()[0]["id"], "href": response.get_json()[0]["href"],
                                    "name": "Work"}]
    assert api.get(URL, query_string={"id": first["id"]}).get_json()[0]["name"] == "Home"
    assert api.get(URL, query_string={"id": "x"}).get_json() == []
    assert api.get(URL, query_string={"name": "Baraka prepaid"}).headers["X-Total-Count"] == "1"


def test_patch_name_state_and_credit_limit(api, customer_id, events):
    account = post(api, relatedParty=customer_party(customer_id), accountType="postpaid",
                   creditLimit={"unit": "KES", "value": 100}).get_json()
    url = f"{URL}/{account['id']}"
    response = api.patch(url, json={"name": "Renamed", "state": "suspended"})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["name"], response.get_json()["state"]) == ("Renamed", "Suspended")
    assert events.named("billing_account.state_changed")[0].payload["to_state"] == "Suspended"
    response = api.patch(url, json={"creditLimit": None, "billStructure": {"cycleSpecification": {
        "billingDateShift": 4}}})
    assert response.status_code == 200
    assert "creditLimit" not in response.get_json()
    assert response.get_json()["billStructure"]["cycleSpecification"]["billingDateShift"] == 4
    assert api.get(url).get_json()["name"] == "Renamed"


@pytest.mark.parametrize("change, status, reason", [
    ({"accountType": "prepaid"}, 409, "payment type"),
    ({"currency": "USD"}, 409, "currency"),
    ({"state": "Defined"}, 409, "cannot go from Active to Defined"),
    ({"state": "Gone"}, 400, "state must be one of"),
    ({"name": 7}, 400, "name: must be a string"),
    ({"creditLimit": {"unit": "USD", "value": 1}}, 400, "differs from the account currency"),
    ({"id": "12345"}, 400, "id cannot be changed"),
])
def test_patch_refusals(api, customer_id, change, status, reason):
    account = post(api, relatedParty=customer_party(customer_id), accountType="postpaid").get_json()
    response = api.patch(f"{URL}/{account['id']}", json=change)
    assert response.status_code == status, response.get_json()
    assert reason in response.get_json()["reason"]
    assert api.get(f"{URL}/{account['id']}").get_json() == account  # nothing of the refused change stuck


def test_delete_unused_account_then_404(api, customer_id):
    account = post(api, relatedParty=customer_party(customer_id)).get_json()
    assert api.delete(f"{URL}/{account['id']}").status_code == 204
    assert api.get(f"{URL}/{account['id']}").status_code == 404
    assert api.delete(f"{URL}/{account['id']}").status_code == 404
    db.session.expire_all()
    assert db.session.get(BillingAccount, int(account["id"])) is None


@pytest.mark.parametrize("raw, reason", [
    ("{not json", "Malformed JSON"),
    ("[1, 2]", "JSON object expected"),
    ("", "Request body is empty"),
])
def test_malformed_bodies_are_400(api, raw, reason):
    response = api.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["reason"] == reason
    assert db.session.query(BillingAccount).count() == 0


@pytest.mark.parametrize("body, reason", [
    ({"relatedParty": []}, "relatedParty: a party with role customer is required"),
    ({"relatedParty": {"id": "1"}}, "relatedParty: must be an array"),
    ({"relatedParty": [{"id": "999999"}]}, "no customer 999999"),
    ({"relatedParty": [{"name": "no id"}]}, "needs an id or href"),
    ({"name": ["x"]}, "name: must be a string"),
    ({"paymentType": "credit"}, "paymentType: must be prepaid or postpaid"),
    ({"accountType": "postpaid", "creditLimit": {"value": "lots"}}, "not a number"),
    ({"accountType": "postpaid", "creditLimit": 100}, "creditLimit: must be an object"),
    ({"billStructure": {"cycleSpecification": {"billingDateShift": "fifth"}}}, "must be an integer"),
    ({"billCycleDay": 31}, "1 to 28"),
    ({"currency": "ABC"}, "unknown currency"),
])
def test_wrong_content_is_400_with_the_reason(api, customer_id, body, reason):
    body = {"relatedParty": customer_party(customer_id), **body}
    response = post(api, **body)
    assert response.status_code == 400, response.get_json()
    assert reason in response.get_json()["reason"]
    assert db.session.query(BillingAccount).count() == 0


def test_related_party_by_href_only(api, customer_id):
    href = f"http://localhost/tmf-api/customerManagement/v4/customer/{customer_id}"
    response = post(api, relatedParty=[{"href": href, "role": "customer"}])
    assert response.status_code == 201
    assert response.get_json()["relatedParty"][0]["id"] == str(customer_id)
    assert db.session.get(BillingAccount, int(response.get_json()["id"])).customer_id == customer_id
