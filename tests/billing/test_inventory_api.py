"""TMF637 product (our subscriptions) over HTTP: selling, lifecycle by PATCH, filters, refusals."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from billing.models import Subscription, SubscriptionStatusChange
from core.db import db

URL = "/tmf-api/productInventory/v4/product"


def product_body(account, offering, msisdn="0712345678", **extra):
    body = {"productOffering": {"id": str(offering.id)}, "billingAccount": {"id": str(account.id)},
            "productCharacteristic": [{"name": "MSISDN", "value": msisdn}]}
    body.update(extra)
    return body


@pytest.fixture
def sold(api, session, prepaid, plan):
    """Commit the fixtures' rows so the API sees them, and sell helper."""
    session.commit()

    def sell(msisdn="0712345678", **extra):
        response = api.post(URL, json=product_body(prepaid, plan, msisdn, **extra))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return sell


@pytest.mark.smoke
def test_post_sells_a_pending_line(api, sold, prepaid, plan, customer_id):
    body = sold("0712 345 678", status="created")
    assert body["@type"] == "Product" and body["href"].endswith(f"{URL}/{body['id']}")
    assert body["status"] == "pendingActive"
    assert body["productCharacteristic"] == [{"name": "MSISDN", "valueType": "string", "value": "+254712345678"}]
    assert body["productOffering"]["id"] == str(plan.id)
    assert body["productOffering"]["href"].endswith(f"/tmf-api/productCatalogManagement/v4/productOffering/{plan.id}")
    assert body["billingAccount"]["id"] == str(prepaid.id)
    assert body["billingAccount"]["href"].endswith(f"/tmf-api/accountManagement/v4/billingAccount/{prepaid.id}")
    assert body["relatedParty"][0] == {**body["relatedParty"][0], "id": str(customer_id), "role": "customer"}
    assert body["orderDate"] == "2026-03-02T09:30:00.000Z"
    assert "startDate" not in body and "terminationDate" not in body
    assert api.get(body["href"].replace("http://localhost", "")).get_json() == body


def test_post_active_with_sim_details(sold):
    body = sold(status="active", productCharacteristic=[
        {"name": "MSISDN", "value": 254712345678}, {"name": "iccid", "value": "89254021234567890123"},
        {"name": "IMSI", "value": "639021234567890"}, {"name": "colour", "value": "blue"}])
    assert body["status"] == "active" and body["startDate"] == "2026-03-02T09:30:00.000Z"
    assert {c["name"]: c["value"] for c in body["productCharacteristic"]} == {
        "MSISDN": "+254712345678", "ICCID": "89254021234567890123", "IMSI": "639021234567890"}


def test_billing_account_defaults_to_the_customers_only_open_account(api, sold, plan, customer_id, prepaid):
    response = api.post(URL, json={"productOffering": {"id": str(plan.id)},
                                   "relatedParty": [{"id": str(customer_id), "role": "customer"}],
                                   "productCharacteristic": [{"name": "MSISDN", "value": "0712000001"}]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["billingAccount"]["id"] == str(prepaid.id)
    assert body["billingAccount"]["href"].endswith(f"/tmf-api/accountManagement/v4/billingAccount/{prepaid.id}")
    line = db.session.get(Subscription, int(body["id"]))
    assert (line.billing_account_id, line.msisdn, line.offering_id, line.status) == \
        (prepaid.id, "+254712000001", plan.id, "pending")


@pytest.mark.smoke
def test_duplicate_live_msisdn_is_409_and_reuse_after_termination(api, sold):
    first = sold()
    response = api.post(URL, json=api_body_from(first))
    assert response.status_code == 409
    assert "MSISDN +254712345678 is already in use by subscription" in response.get_json()["reason"]
    assert api.patch(f"{URL}/{first['id']}", json={"status": "terminated"}).status_code == 200
    reused = api.post(URL, json=api_body_from(first))
    assert reused.status_code == 201
    assert reused.get_json()["id"] != first["id"] and reused.get_json()["status"] == "pendingActive"
    lines = db.session.scalars(sa.select(Subscription).where(Subscription.msisdn == "+254712345678")
                               .order_by(Subscription.id)).all()
    assert [(str(s.id), s.status) for s in lines] == [(first["id"], "terminated"), (reused.get_json()["id"], "pending")]


def api_body_from(product: dict) -> dict:
    return {k: product[k] for k in ("productOffering", "billingAccount", "productCharacteristic")}


@pytest.mark.smoke
def test_patch_status_walks_the_lifecycle_and_keeps_history(api, sold, clock, events):
    product = sold()
    url = f"{URL}/{product['id']}"
    for status in ("active", "suspended", "active", "terminated"):
        clock.advance(hours=1)
        response = api.patch(url, json={"status": status, "statusReason": f"to {status}"})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == status
    body = api.get(url).get_json()
    assert body["startDate"] == "2026-03-02T10:30:00.000Z"
    assert body["terminationDate"] == "2026-03-02T13:30:00.000Z"
    changes = db.session.scalars(sa.select(SubscriptionStatusChange).where(
        SubscriptionStatusChange.subscription_id == int(product["id"])).order_by(SubscriptionStatusChange.id)).all()
    assert [(c.from_status, c.to_status) for c in changes] == [
        (None, "pending"), ("pending", "active"), ("active", "suspended"), ("suspended", "active"),
        ("active", "terminated")]
    assert changes[-1].reason == "to terminated" and changes[-1].source == "api:tests"
    assert [e.name for e in events.events if e.name.startswith("subscription.")][-1] == "subscription.terminated"
    response = api.patch(url, json={"status": "active"})
    assert response.status_code == 409
    assert "cannot go from terminated to active" in response.get_json()["reason"]


def test_cancelled_means_terminated_for_a_pending_line(api, sold):
    product = sold()
    response = api.patch(f"{URL}/{product['id']}", json={"status": "cancelled"})
    assert response.get_json()["status"] == "terminated"
    line = db.session.get(Subscription, int(product["id"]))
    assert line.status == "terminated" and line.terminated_at is not None


@pytest.mark.parametrize("change, status, reason", [
    ({"status": "pendingTerminate"}, 400, "unsupported status"),
    ({"status": 3}, 400, "status: must be a string"),
    ({"productOffering": {"id": "999"}}, 400, "plan change is a product order"),
    ({"billingAccount": {"id": "999"}}, 400, "product order"),
    ({"productCharacteristic": [{"name": "MSISDN", "value": "0712999999"}]}, 400, "cannot change"),
    ({"productCharacteristic": "MSISDN"}, 400, "must be an array"),
    ({"status": "suspended"}, 409, "cannot go from pending to suspended"),
])
def test_patch_refusals(api, sold, change, status, reason):
    product = sold()
    response = api.patch(f"{URL}/{product['id']}", json=change)
    assert response.status_code == status, response.get_json()
    assert reason in response.get_json()["reason"]
    assert api.get(f"{URL}/{product['id']}").get_json()["status"] == "pendingActive"


def test_patch_sim_swap(api, sold):
    product = sold(status="active")
    response = api.patch(f"{URL}/{product['id']}", json={"productCharacteristic": [
        {"name": "MSISDN", "value": "+254712345678"}, {"name": "ICCID", "value": "89254021234567890999"}]})
    assert response.status_code == 200, response.get_json()
    assert {c["name"]: c["value"] for c in response.get_json()["productCharacteristic"]}["ICCID"] == \
        "89254021234567890999"
    assert db.session.get(Subscription, int(product["id"])).iccid == "89254021234567890999"


def test_list_filters(api, sold, customer_id, new_customer):
    a = sold("0712000001", status="active")
    b = sold("0712000002")
    sold("0712000003", status="active")
    response = api.get(URL, query_string={"status": "active"})
    assert response.headers["X-Total-Count"] == "2"
    assert [p["id"] for p in api.get(URL, query_string={"status": "pendingActive"}).get_json()] == [b["id"]]
    response = api.get(URL, query_string={"productCharacteristic.value": "+254712000001"})
    assert [p["id"] for p in response.get_json()] == [a["id"]]
    assert api.get(URL, query_string={"billingAccount.id": a["billingAccount"]["id"]}).headers["X-Total-Count"] == "3"
    assert api.get(URL, query_string={"relatedParty.id": customer_id}).headers["X-Total-Count"] == "3"
    assert api.get(URL, query_string={"relatedParty.id": new_customer("Nobody")}).get_json() == []
    response = api.get(URL, query_string={"fields": "status", "limit": 2})
    assert response.headers["X-Result-Count"] == "2" and set(response.get_json()[0]) == {"id", "href", "status"}


def test_delete_only_what_never_went_live(api, sold):
    pending = sold("0712000001")
    assert api.delete(f"{URL}/{pending['id']}").status_code == 204
    assert api.get(f"{URL}/{pending['id']}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Subscription, int(pending["id"])) is None
    live = sold("0712000002", status="active")
    response = api.delete(f"{URL}/{live['id']}")
    assert response.status_code == 409
    assert "terminate it instead" in response.get_json()["reason"]
    assert db.session.get(Subscription, int(live["id"])).status == "active"


def test_unknown_product_is_404(api):
    assert api.get(f"{URL}/12345").status_code == 404
    assert api.patch(f"{URL}/nope", json={"status": "active"}).status_code == 404


@pytest.mark.parametrize("raw", ["{", "null", '"text"'])
def test_malformed_json_is_400(api, raw):
    response = api.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["@type"] == "Error"


@pytest.mark.parametrize("change, reason", [
    ({"productCharacteristic": []}, "characteristic named MSISDN is required"),
    ({"productCharacteristic": [{"name": "MSISDN", "value": ["x"]}]}, "MSISDN must be a string"),
    ({"productCharacteristic": [{"name": "MSISDN", "value": "12"}]}, "not a valid phone number"),
    ({"productOffering": None}, "productOffering: is required"),
    ({"productOffering": "7"}, "productOffering: must be an object"),
    ({"productOffering": {"id": "999"}}, "no product offering 999"),
    ({"billingAccount": {"id": "x"}}, "no billing account x"),
    ({"status": "suspended"}, "starts created, pendingActive or active"),
])
def test_wrong_content_is_400(api, sold, prepaid, plan, change, reason):
    response = api.post(URL, json={**product_body(prepaid, plan), **change})
    assert response.status_code == 400, response.get_json()
    assert reason in response.get_json()["reason"]
    assert db.session.query(Subscription).count() == 0


def test_unknown_billing_account_and_plan_type_mismatch_are_400(api, sold, postpaid, new_offering, session):
    prepaid_only = new_offering("PRE-ONLY", payment_type="prepaid")
    session.commit()
    response = api.post(URL, json=product_body(postpaid, prepaid_only))
    assert response.status_code == 400
    assert "cannot be sold on a postpaid account" in response.get_json()["reason"]
    response = api.post(URL, json={**product_body(postpaid, prepaid_only), "billingAccount": {"id": "4040"}})
    assert response.status_code == 400
    assert "no billing account 4040" in response.get_json()["reason"]
    assert db.session.query(Subscription).count() == 0


def test_related_party_must_own_the_billing_account(api, sold, prepaid, plan, new_customer):
    stranger = new_customer("Stranger")
    response = api.post(URL, json={**product_body(prepaid, plan),
                                   "relatedParty": [{"id": str(stranger), "role": "customer"}]})
    assert response.status_code == 400
    assert f"does not belong to customer {stranger}" in response.get_json()["reason"]
    assert db.session.query(Subscription).count() == 0


def test_products_filter_by_msisdn_in_any_form(api, customer_id, plan, session, clock, events, prepaid):
    from billing.subscriptions import create_subscription

    line = create_subscription(session, clock, events, account=prepaid, msisdn="0712345678", offering_id=plan.id,
                               default_region="KE", iccid="8925402000000000001")
    session.commit()
    for query in ("%2B254712345678", "+254712345678", "0712345678", "8925402000000000001"):
        response = api.get(f"/tmf-api/productInventory/v4/product?productCharacteristic.value={query}")
        assert response.status_code == 200
        assert [p["id"] for p in response.get_json()] == [str(line.id)], query
    assert api.get("/tmf-api/productInventory/v4/product?productCharacteristic.value=0799999999").get_json() == []


def test_an_impossible_billing_account_reference_is_400(api, sold, plan):
    response = api.post("/tmf-api/productInventory/v4/product", json={
        "productOffering": {"id": str(plan.id)}, "billingAccount": {"id": "99999999999999999999999"},
        "productCharacteristic": [{"name": "MSISDN", "value": "0712345679"}]})
    assert response.status_code == 400
    assert "billing account" in response.get_json()["reason"]
    assert db.session.query(Subscription).count() == 0
