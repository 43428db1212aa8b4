"""Orders that change a line: plan change, bundle purchase and removal, SIM swap, suspend and
resume, termination. Billing changes only when the order completes."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.balances import balance_of, credit_balance, debit_balance
from billing.models import Bucket, Subscription
from billing.plan_change import plan_history
from core.errors import Conflict
from orders.models import PoolNumber, SimCard
from orders.stock import reserve_number
from tests.orders.conftest import FIRST_NUMBER, ORDER_URL, PRODUCT_URL, line_body


def _live(session, line_id):
    return {(b.service, b.source, b.initial) for b in session.scalars(
        sa.select(Bucket).where(Bucket.subscription_id == line_id, Bucket.status == "active"))}


@pytest.mark.smoke
def test_plan_change_moves_the_line_with_history_swaps_allowances_and_costs_the_new_fee(
        place, api, session, line, offers, prepaid, clock, events, network):
    order = place(line_body("modify", line, offers["PRE-PLUS"]))
    assert order["state"] == "held"  # 400 left after the line was sold; the new plan costs 800
    assert session.get(Subscription, line).offering_id == offers["PRE"]

    credit_balance(session, clock, events, account=prepaid, amount=Decimal("500"), reason="topup")
    session.commit()
    order = api.patch(f"{ORDER_URL}/{order['id']}", json={"state": "inProgress"}).get_json()

    assert order["state"] == "completed", order
    subscription = session.get(Subscription, line)
    assert subscription.offering_id == offers["PRE-PLUS"]
    history = plan_history(session, subscription)
    assert [(h.from_offering_id, h.to_offering_id) for h in history] == [(offers["PRE"], offers["PRE-PLUS"])]
    assert _live(session, line) == {("voice", "plan", 300 * 60), ("data", "plan", 2048 * 1024 * 1024)}
    assert balance_of(session, prepaid).amount == Decimal("100")  # 400 + 500 - 800
    assert api.get(f"{PRODUCT_URL}/{line}").get_json()["productOffering"]["id"] == str(offers["PRE-PLUS"])
    assert network.requests[-1].action == "change_profile"


def test_plan_change_to_an_incompatible_plan_is_rejected(place, session, line, offers):
    order = place(line_body("modify", line, offers["POST"]))  # a postpaid plan on a prepaid account
    assert order["state"] == "rejected"
    assert "postpaid" in order["stateReason"]
    assert session.get(Subscription, line).offering_id == offers["PRE"]


@pytest.mark.smoke
def test_bundle_purchase_grants_buckets_and_debits_the_price(place, session, line, offers, prepaid, network):
    order = place(line_body("add", line, offers["DATA-1GB"]))

    assert order["state"] == "completed"
    assert ("data", "bundle", 1024 * 1024 * 1024) in _live(session, line)
    assert balance_of(session, prepaid).amount == Decimal("301")  # 400 - 99
    assert network.requests[-1].action == "add_service"
    assert network.requests[-1].service_profile == "DATA-1GB"


def test_bundle_bought_by_msisdn_as_a_ussd_dialog_would(place, session, line, offers, prepaid):
    order = place({"channel": [{"name": "ussd"}], "productOrderItem": [{
        "id": "1", "action": "add", "productOffering": {"id": str(offers["DATA-1GB"])},
        "product": {"productCharacteristic": [{"name": "MSISDN", "value": "0700100000"}]}}]})
    assert order["state"] == "completed", order
    assert order["productOrderItem"][0]["product"]["id"] == str(line)


def test_bundle_without_money_is_held_and_grants_nothing(place, session, line, offers, prepaid, clock, events):
    debit_balance(session, clock, events, account=prepaid, amount=Decimal("350"), reason="usage")
    session.commit()
    order = place(line_body("add", line, offers["DATA-1GB"]))
    assert order["state"] == "held"
    assert ("data", "bundle", 1024 * 1024 * 1024) not in _live(session, line)


def test_add_on_removal_revokes_its_buckets(place, session, line, offers):
    place(line_body("add", line, offers["DATA-1GB"]))
    order = place(line_body("delete", line, offers["DATA-1GB"]))

    assert order["state"] == "completed"
    assert all(source == "plan" for _service, source, _initial in _live(session, line))
    again = place(line_body("delete", line, offers["DATA-1GB"]))
    assert again["state"] == "rejected"


def test_sim_swap_takes_a_sim_from_stock_and_quarantines_the_old_one(place, session, line, network):
    old = session.get(Subscription, line).iccid
    order = place(line_body("modify", line, productCharacteristic=[{"name": "ICCID", "value": ""}]))

    assert order["state"] == "completed", order
    subscription = session.get(Subscription, line)
    assert subscription.iccid == "8925400000000000002"
    assert subscription.imsi == "639020000000002"
    states = dict(session.execute(sa.select(SimCard.iccid, SimCard.state)).tuples().all())
    assert states[old] == "quarantined" and states[subscription.iccid] == "assigned"
    assert network.requests[-1].action == "swap_sim"


@pytest.mark.smoke
def test_suspend_and_resume(place, api, line, events):
    order = place(line_body("modify", line, status="suspended"))
    assert order["state"] == "completed"
    assert api.get(f"{PRODUCT_URL}/{line}").get_json()["status"] == "suspended"
    assert place(line_body("modify", line, status="suspended"))["state"] == "rejected"

    place(line_body("modify", line, status="active"))
    assert api.get(f"{PRODUCT_URL}/{line}").get_json()["status"] == "active"
    assert events.named("subscription.resumed")


def test_termination_ends_the_line_and_quarantines_number_and_sim(place, api, session, line, clock):
    order = place(line_body("delete", line))

    assert order["state"] == "completed"
    assert api.get(f"{PRODUCT_URL}/{line}").get_json()["status"] == "terminated"
    assert _live(session, line) == set()
    number = session.scalar(sa.select(PoolNumber).where(PoolNumber.msisdn == FIRST_NUMBER))
    assert number.state == "quarantined" and number.quarantined_until > clock.now()
    sim = session.scalar(sa.select(SimCard).where(SimCard.iccid == session.get(Subscription, line).iccid))
    assert sim.state == "quarantined"
    assert place(line_body("delete", line))["state"] == "rejected"


def test_a_quarantined_number_is_sold_again_only_after_its_quarantine(place, session, line, clock, customer_id,
                                                                       prepaid, offers):
    place(line_body("delete", line))
    session.execute(sa.update(PoolNumber).where(PoolNumber.msisdn != FIRST_NUMBER).values(state="assigned"))
    session.flush()
    with pytest.raises(Conflict, match="no MSISDN left"):
        reserve_number(session, clock, order_id=1)
    session.rollback()
    session.execute(sa.update(PoolNumber).where(PoolNumber.msisdn != FIRST_NUMBER).values(state="assigned"))
    clock.advance(days=91)
    assert reserve_number(session, clock, order_id=1).msisdn == FIRST_NUMBER


def test_a_line_of_another_customer_is_refused(place, api, line, offers):
    other = api.post("/tmf-api/customerManagement/v4/customer", json={"name": "Someone Else"}).get_json()["id"]
    body = line_body("modify", line, status="suspended")
    body["relatedParty"] = [{"id": other, "role": "customer"}]
    order = place(body)
    assert order["state"] == "rejected"
    assert "does not belong" in order["stateReason"]
