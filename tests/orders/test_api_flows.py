"""Whole journeys through the REST API: a new customer's first line, and selling from the demo
operator's stock."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.balances import credit_balance
from billing.models import BillingAccount, Subscription
from tests.orders.conftest import ORDER_URL, PRODUCT_URL

ACCOUNT_URL = "/tmf-api/accountManagement/v4/billingAccount"


@pytest.mark.smoke
def test_a_new_customer_orders_a_postpaid_line_naming_only_the_customer(api, offers, stock, network, events):
    customer = api.post("/tmf-api/customerManagement/v4/customer", json={"name": "Baraka Mwangi"}).get_json()
    account = api.post(ACCOUNT_URL, json={"paymentType": "postpaid", "creditLimit": {"unit": "KES", "value": 3000},
                                          "relatedParty": [{"id": customer["id"], "role": "customer"}]})
    assert account.status_code == 201, account.get_json()

    response = api.post(ORDER_URL, json={
        "externalId": "web-shop-981", "channel": [{"name": "portal"}],
        "relatedParty": [{"id": customer["id"], "role": "customer", "@referredType": "Customer"}],
        "productOrderItem": [{"id": "line", "action": "add", "productOffering": {"id": str(offers["POST"])}}]})

    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert response.headers["Location"] == order["href"]
    assert order["state"] == "completed"
    assert order["relatedParty"][0]["name"] == "Baraka Mwangi"
    products = api.get(f"{PRODUCT_URL}?relatedParty.id={customer['id']}").get_json()
    assert [p["id"] for p in products] == [order["productOrderItem"][0]["product"]["id"]]
    assert events.named("order.completed")[0].payload["channel"] == "portal"


def test_an_order_over_the_credit_limit_is_held(api, offers, stock, network, session):
    customer = api.post("/tmf-api/customerManagement/v4/customer", json={"name": "Baraka Mwangi"}).get_json()
    api.post(ACCOUNT_URL, json={"paymentType": "postpaid", "creditLimit": {"unit": "KES", "value": 1000},
                                "relatedParty": [{"id": customer["id"], "role": "customer"}]})
    order = api.post(ORDER_URL, json={
        "relatedParty": [{"id": customer["id"], "role": "customer"}],
        "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": str(offers["POST"])}}]}).get_json()
    assert order["state"] == "held"
    assert "credit limit" in order["stateReason"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 0


def test_the_demo_operator_sells_from_its_stock(app, api, session):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    account = session.scalar(sa.select(BillingAccount).where(BillingAccount.payment_type == "prepaid")
                             .order_by(BillingAccount.id).limit(1))
    plan = api.get("/tmf-api/productCatalogManagement/v4/productOffering?name=Smart Prepaid").get_json()[0]
    credit_balance(session, app.extensions["bss.clock"], app.extensions["bss.events"], account=account,
                   amount=Decimal("5000"), reason="topup")
    session.commit()

    order = api.post(ORDER_URL, json={
        "billingAccount": {"id": str(account.id)},
        "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": plan["id"]}}]}).get_json()

    assert order["state"] == "completed", order
    msisdn = {c["name"]: c["value"] for c in order["productOrderItem"][0]["product"]["productCharacteristic"]}
    assert msisdn["MSISDN"] == "+254757000000"
