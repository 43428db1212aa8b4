"""The same request twice places one order; scheduled orders wait for their date; orders that
have not completed can be cancelled, completed ones cannot."""
from __future__ import annotations

import concurrent.futures
import datetime as dt

import httpx
import pytest
import sqlalchemy as sa

from billing.models import Subscription
from core.clock import isoformat_z
from orders.models import PoolNumber, ProductOrder
from tests.orders.conftest import CANCEL_URL, ORDER_URL, line_body, new_line_body


def _orders(session):
    return session.scalar(sa.select(sa.func.count()).select_from(ProductOrder))


@pytest.mark.smoke
def test_a_repeated_external_id_returns_the_first_order(place, session, events, customer_id, prepaid, offers, stock,
                                                        network):
    body = new_line_body(customer_id, prepaid.id, offers["PRE"], externalId="portal-42")
    first = place(body)
    second = place(body)

    assert second["id"] == first["id"]
    assert second["state"] == "completed"
    assert _orders(session) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 1
    assert len(events.named("order.acknowledged")) == 1


def test_an_idempotency_key_header_returns_the_first_order(place, session, customer_id, prepaid, offers, stock,
                                                           network):
    body = new_line_body(customer_id, prepaid.id, offers["PRE"])
    first = place(body, headers={"Idempotency-Key": "k-1"})
    assert place(body, headers={"Idempotency-Key": "k-1"})["id"] == first["id"]
    assert place(body, headers={"Idempotency-Key": "k-2"})["id"] != first["id"]
    assert place(body)["id"] not in (first["id"],)  # no key: a new order each time
    assert _orders(session) == 3


def test_a_used_key_with_a_different_request_is_a_conflict(api, place, customer_id, prepaid, offers, stock, network):
    place(new_line_body(customer_id, prepaid.id, offers["PRE"], externalId="x-1"))
    response = api.post(ORDER_URL, json=new_line_body(customer_id, prepaid.id, offers["PRE-PLUS"], externalId="x-1"))
    assert response.status_code == 409
    assert response.get_json()["code"] == "idempotency_key_reused"


@pytest.mark.smoke
def test_a_scheduled_order_waits_until_due_then_the_runner_completes_it(place, app, session, clock, events, line,
                                                                        offers, prepaid):
    from billing.balances import credit_balance

    credit_balance(session, clock, events, account=prepaid, amount=1000, reason="topup")
    session.commit()
    start = clock.now() + dt.timedelta(days=10)
    body = line_body("modify", line, offers["PRE-PLUS"])
    body["requestedStartDate"] = isoformat_z(start)

    order = place(body)
    assert order["state"] == "pending"
    assert order["requestedStartDate"] == isoformat_z(start)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orders", "run-due"])
    assert result.exit_code == 0 and "0 due order(s)" in result.output
    assert session.get(Subscription, line).offering_id == offers["PRE"]

    clock.advance(days=10)
    result = runner.invoke(args=["orders", "run-due"])

    assert result.exit_code == 0, result.output
    assert f"order {order['id']}: completed" in result.output
    session.expire_all()
    assert session.get(Subscription, line).offering_id == offers["PRE-PLUS"]
    assert events.named("order.completed")[-1].payload["order_id"] == int(order["id"])


def test_cancelling_a_pending_order_cancels_it_and_nothing_happens(api, place, session, clock, events, line, offers):
    body = line_body("modify", line, status="suspended")
    body["requestedStartDate"] = isoformat_z(clock.now() + dt.timedelta(days=1))
    order = place(body)

    response = api.post(CANCEL_URL, json={"productOrder": {"id": order["id"]}, "cancellationReason": "changed mind"})

    assert response.status_code == 201, response.get_json()
    cancel = response.get_json()
    assert cancel["state"] == "done"
    assert cancel["productOrder"]["id"] == order["id"]
    shown = api.get(f"{ORDER_URL}/{order['id']}").get_json()
    assert shown["state"] == "cancelled" and shown["cancellationReason"] == "changed mind"
    assert api.get(f"{CANCEL_URL}/{cancel['id']}").get_json()["state"] == "done"
    clock.advance(days=2)
    app_runner = api.client.application.test_cli_runner()
    assert "0 due order(s)" in app_runner.invoke(args=["orders", "run-due"]).output
    assert session.get(Subscription, line).status == "active"
    assert [e.name for e in events.events if e.name == "order.cancelled"] == ["order.cancelled"]


def test_cancelling_a_held_order_releases_nothing_twice_and_ends_it(api, place, session, customer_id, prepaid, offers,
                                                                   stock, network):
    network.fail = "unavailable"
    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))
    assert order["state"] == "held"

    response = api.patch(f"{ORDER_URL}/{order['id']}", json={"state": "cancelled", "cancellationReason": "no"})

    assert response.status_code == 200 and response.get_json()["state"] == "cancelled"
    assert set(session.scalars(sa.select(PoolNumber.state))) == {"available"}
    retry = api.patch(f"{ORDER_URL}/{order['id']}", json={"state": "inProgress"})
    assert retry.status_code == 409


def test_a_completed_order_cannot_be_cancelled(api, place, line, session):
    order = api.get(f"{ORDER_URL}?state=completed").get_json()[0]
    response = api.post(CANCEL_URL, json={"productOrder": {"id": order["id"]}})
    assert response.status_code == 409
    assert "new order" in response.get_json()["reason"]
    assert api.post(CANCEL_URL, json={"productOrder": {"id": "9999"}}).status_code == 400
    assert api.post(CANCEL_URL, json={}).status_code == 400


def test_lists_filter_by_state_customer_and_order_date(api, place, customer_id, line, offers, network):
    network.fail = "reject"
    place(line_body("modify", line, status="suspended"))

    everything = api.get(ORDER_URL)
    assert everything.headers["X-Total-Count"] == "2"
    failed = api.get(f"{ORDER_URL}?state=failed").get_json()
    assert [o["state"] for o in failed] == ["failed"]
    mine = api.get(f"{ORDER_URL}?relatedParty.id={customer_id}").get_json()
    assert len(mine) == 1  # the second order named no customer
    first = everything.get_json()[0]
    assert [o["id"] for o in api.get(f"{ORDER_URL}?orderDate={first['orderDate']}").get_json()] == \
        [o["id"] for o in everything.get_json()]  # both placed at the same fixed instant
    assert api.get(f"{ORDER_URL}/{first['id']}?fields=state").get_json() == \
        {"id": first["id"], "href": first["href"], "state": "completed"}
    assert api.get(f"{ORDER_URL}/nope").status_code == 404
    assert api.delete(f"{ORDER_URL}/{first['id']}").status_code == 405


def test_the_same_key_sent_concurrently_places_one_order(live_server, database_url):
    """Several clients retrying one request at once (a kiosk on a bad network) get one order."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them")
    headers = {"Authorization": f"Bearer {live_server.token}", "Idempotency-Key": "kiosk-7-tx-1"}
    body = {"productOrderItem": [{"id": "1", "action": "add"}],
            "relatedParty": [{"id": "someone", "@referredType": "Individual"}]}
    url = f"{live_server.url}{ORDER_URL}"
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: httpx.post(url, json=body, headers=headers, timeout=20), range(6)))

    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    listing = httpx.get(url, headers={"Authorization": f"Bearer {live_server.token}"})
    assert listing.headers["X-Total-Count"] == "1"
