"""A new line ordered through TMF622: what changes on completion, and what a failure leaves."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.balances import balance_of, credit_balance
from billing.models import Bucket, Charge, Subscription
from orders.models import PoolNumber, SimCard
from tests.orders.conftest import FIRST_NUMBER, ORDER_URL, PRODUCT_URL, new_line_body


def _count(session, model, *where):
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _stock_states(session):
    return (sorted(session.scalars(sa.select(PoolNumber.state))), sorted(session.scalars(sa.select(SimCard.state))))


@pytest.mark.smoke
def test_prepaid_new_line_completes_with_line_buckets_and_debit(place, api, session, events, customer_id, prepaid,
                                                                 offers, stock, network):
    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"], externalId="shop-1",
                                channel=[{"name": "kiosk"}]))

    assert order["state"] == "completed"
    assert order["completionDate"].endswith("Z")
    item = order["productOrderItem"][0]
    assert item["state"] == "completed"
    characteristics = {c["name"]: c["value"] for c in item["product"]["productCharacteristic"]}
    assert characteristics["MSISDN"] == FIRST_NUMBER
    product = api.get(f"{PRODUCT_URL}/{item['product']['id']}").get_json()
    assert product["status"] == "active"
    assert product["productOffering"]["id"] == str(offers["PRE"])
    line = session.get(Subscription, int(item["product"]["id"]))
    assert line.iccid == "8925400000000000001"
    buckets = {b.service: b.initial
               for b in session.scalars(sa.select(Bucket).where(Bucket.subscription_id == line.id))}
    assert buckets == {"voice": 100 * 60, "sms": 50, "data": 1024 * 1024 * 1024}
    assert balance_of(session, prepaid).amount == Decimal("400")  # 1000 - 500 monthly - 100 activation
    assert session.scalar(sa.select(PoolNumber.state).where(PoolNumber.msisdn == FIRST_NUMBER)) == "assigned"
    names = [e.name for e in events.events if e.name.startswith("order.")]
    assert names == ["order.acknowledged", "order.in_progress", "order.completed"]
    completed = events.named("order.completed")[0].payload
    assert completed["channel"] == "kiosk" and completed["customer_id"] == customer_id
    assert network.requests[0].action == "activate" and network.requests[0].msisdn == FIRST_NUMBER
    # The line's own events were held back until the order completed, then delivered.
    order_done = [e.name for e in events.events].index("order.completed")
    assert [e.name for e in events.events].index("subscription.activated") < order_done


def test_postpaid_new_line_charges_fee_and_first_period_for_the_bill(place, session, customer_id, postpaid, offers,
                                                                    stock, network, clock):
    order = place(new_line_body(customer_id, postpaid.id, offers["POST"]))

    assert order["state"] == "completed"
    charges = session.scalars(sa.select(Charge).order_by(Charge.id)).all()
    assert [(c.kind, c.amount) for c in charges] == [("recurring", Decimal("1500.00")), ("oneTime", Decimal("250.00"))]
    assert charges[0].period_start == clock.now()
    assert charges[0].period_end.month == clock.now().month + 1
    assert all(c.reference == f"order:{order['id']}" for c in charges)


def test_a_chosen_number_and_sim_are_used(place, session, customer_id, prepaid, offers, stock, network):
    body = new_line_body(customer_id, prepaid.id, offers["PRE"])
    body["productOrderItem"][0]["product"] = {"productCharacteristic": [
        {"name": "MSISDN", "value": "0700100003"}, {"name": "ICCID", "value": "8925400000000000004"}]}

    order = place(body)

    assert order["state"] == "completed", order
    line = session.get(Subscription, int(order["productOrderItem"][0]["product"]["id"]))
    assert (line.msisdn, line.iccid) == ("+254700100003", "8925400000000000004")


@pytest.mark.smoke
def test_not_enough_balance_holds_the_order_and_changes_nothing(place, session, events, clock, api, customer_id,
                                                                prepaid, offers, stock, network):
    before = _stock_states(session)
    order = place(new_line_body(customer_id, prepaid.id, offers["PRE-PLUS"]))  # 800 is fine...
    assert order["state"] == "completed"
    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))  # ...600 more is not

    assert order["state"] == "held"
    assert "top up" in order["stateReason"]
    assert _count(session, Subscription) == 1
    assert balance_of(session, prepaid).amount == Decimal("200")
    assert _stock_states(session)[0].count("available") == before[0].count("available") - 1
    assert events.named("order.held")[0].payload["order_id"] == int(order["id"])

    # The customer tops up; an agent retries the held order.
    credit_balance(session, clock, events, account=prepaid, amount=Decimal("1000"), reason="topup")
    session.commit()
    retried = api.patch(f"{ORDER_URL}/{order['id']}", json={"state": "inProgress"})
    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["state"] == "completed"
    assert _count(session, Subscription) == 2
    assert balance_of(session, prepaid).amount == Decimal("600")


def test_a_network_refusal_fails_the_order_and_releases_the_stock(place, session, customer_id, prepaid, offers,
                                                                  stock, network):
    before = _stock_states(session)
    network.fail = "reject"

    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))

    assert order["state"] == "failed"
    assert "refused" in order["stateReason"]
    assert order["productOrderItem"][0]["state"] == "failed"
    assert _count(session, Subscription) == 0
    assert _count(session, Bucket) == 0
    assert balance_of(session, prepaid).amount == Decimal("1000")
    assert _stock_states(session) == before


def test_an_unreachable_network_holds_the_order_for_a_retry(place, api, session, customer_id, prepaid, offers, stock,
                                                            network):
    network.fail = "unavailable"
    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))
    assert order["state"] == "held"
    assert _count(session, Subscription) == 0

    network.fail = None
    again = api.patch(f"{ORDER_URL}/{order['id']}", json={"state": "inProgress"}).get_json()
    assert again["state"] == "completed"
    assert _count(session, Subscription) == 1


def test_a_billing_failure_after_provisioning_undoes_the_network_request(place, api, session, customer_id, prepaid,
                                                                         offers, stock, network):
    # The pool's first number was sold outside the pool, straight into the inventory.
    direct = api.post(PRODUCT_URL, json={
        "billingAccount": {"id": str(prepaid.id)}, "productOffering": {"id": str(offers["PRE"])},
        "productCharacteristic": [{"name": "MSISDN", "value": FIRST_NUMBER}]})
    assert direct.status_code == 201, direct.get_json()
    before = _stock_states(session)

    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))

    assert order["state"] == "failed"
    assert "already in use" in order["stateReason"]
    assert len(network.requests) == 1 and network.undone == ["SIM-1"]
    assert _count(session, Subscription) == 1  # only the direct one
    assert balance_of(session, prepaid).amount == Decimal("1000")
    assert _stock_states(session) == before


def test_an_unknown_offering_or_customer_is_rejected_with_the_reason(place, session, customer_id, prepaid, stock,
                                                                     network):
    order = place({"productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "999"}}],
                   "relatedParty": [{"id": str(customer_id), "role": "customer"}]})
    assert order["state"] == "rejected"
    assert "item 1" in order["stateReason"]

    order = place({"productOrderItem": [{"id": "a", "action": "add"}],
                   "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}]})
    assert order["state"] == "rejected"
    assert order["relatedParty"] == [{"id": "456-dd-df45", "@referredType": "Individual"}]
    assert network.requests == []


def test_an_empty_pool_holds_the_order(place, session, customer_id, prepaid, offers, network):
    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))
    assert order["state"] == "held"
    assert "no MSISDN left" in order["stateReason"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "productOrderItem"),
    ({"productOrderItem": []}, "productOrderItem"),
    ({"productOrderItem": [{"id": "1"}]}, "action"),
    ({"productOrderItem": [{"id": "1", "action": "replace"}]}, "action"),
    ({"productOrderItem": ["x"]}, "productOrderItem[0]"),
    ({"productOrderItem": [{"id": "1", "action": "add"}, {"id": "1", "action": "add"}]}, "productOrderItem.id"),
    ({"productOrderItem": [{"id": "1", "action": "add"}], "billingAccount": {"id": "77"}}, "billingAccount"),
    ({"productOrderItem": [{"id": "1", "action": "add"}], "requestedStartDate": "soon"}, "requestedStartDate"),
    ({"productOrderItem": [{"id": "1", "action": "modify", "product": {"id": "1", "status": "gone"}}]},
     "product"),
])
def test_bad_orders_are_refused_with_the_field(api, body, field, network):
    response = api.post(ORDER_URL, json=body)
    assert response.status_code == 400
    error = response.get_json()
    assert error["@type"] == "Error" and field in error["reason"]


def test_one_failing_item_rolls_back_the_whole_order_and_its_events(place, api, session, events, customer_id, prepaid,
                                                                    offers, stock, network):
    taken = "+254700100004"  # in the pool, but sold straight into the inventory
    assert api.post(PRODUCT_URL, json={
        "billingAccount": {"id": str(prepaid.id)}, "productOffering": {"id": str(offers["PRE-PLUS"])},
        "productCharacteristic": [{"name": "MSISDN", "value": taken}]}).status_code == 201
    body = new_line_body(customer_id, prepaid.id, offers["PRE"])
    body["productOrderItem"].append({"id": "2", "action": "add", "productOffering": {"id": str(offers["PRE"])},
                                     "product": {"productCharacteristic": [{"name": "MSISDN", "value": taken}]}})
    credit_balance(session, api.client.application.extensions["bss.clock"], events, account=prepaid,
                   amount=Decimal("500"), reason="topup")
    session.commit()
    published_before = len(events.events)

    order = place(body)

    assert order["state"] == "failed"
    assert [item["state"] for item in order["productOrderItem"]] == ["failed", "failed"]
    assert _count(session, Subscription) == 1  # only the one sold directly
    assert _count(session, Bucket) == 0
    assert balance_of(session, prepaid).amount == Decimal("1500")
    assert sorted(network.undone) == ["SIM-1", "SIM-2"]
    leaked = [e.name for e in events.events[published_before:] if not e.name.startswith("order.")]
    assert leaked == []  # neither the first item's line nor its debit was ever announced
