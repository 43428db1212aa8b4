"""Subscriptions: selling a line, MSISDN uniqueness among live lines, the status lifecycle
with its history and events, and the plan rules."""
from __future__ import annotations

import itertools
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billing import subscriptions as subs
from billing.accounts import create_account, set_account_state
from billing.models import BillingAccount, Subscription, SubscriptionStatusChange
from catalog.offerings import set_lifecycle_status
from catalog.prices import PriceTerms
from catalog.versions import change_terms
from core.errors import Conflict, ValidationError

STATUSES = ("pending", "active", "suspended", "terminated")
ALLOWED = {("pending", "active"), ("pending", "terminated"), ("active", "suspended"),
           ("suspended", "active"), ("active", "terminated"), ("suspended", "terminated")}


def sell(session, clock, events, account, plan, msisdn="0712345678", **kw):
    return subs.create_subscription(session, clock, events, account=account, msisdn=msisdn, offering_id=plan.id,
                                    default_region="KE", **kw)


def line_in(status, session, clock, events, account, plan, msisdn="0712345678"):
    """A line brought to ``status`` along allowed moves."""
    line = sell(session, clock, events, account, plan, msisdn)
    path = {"pending": [], "active": ["active"], "suspended": ["active", "suspended"],
            "terminated": ["terminated"]}[status]
    for step in path:
        subs.change_status(session, clock, events, line, step)
    return line


@pytest.mark.smoke
def test_a_new_line_is_pending_with_normalised_msisdn_pinned_terms_and_history(session, clock, events, prepaid,
                                                                                plan):
    line = sell(session, clock, events, prepaid, plan, "0712 345 678", iccid="89254021234567890123",
                imsi="639021234567890", reason="shop sale", source="agent:7")
    assert (line.status, line.msisdn, line.offering_id) == ("pending", "+254712345678", plan.id)
    assert line.offering_version_id == plan.versions[0].id
    assert (line.iccid, line.imsi) == ("89254021234567890123", "639021234567890")
    assert line.activated_at is None and line.created_at == clock.now()
    [change] = subs.status_history(session, line)
    assert (change.from_status, change.to_status, change.reason, change.source) == (None, "pending", "shop sale",
                                                                                    "agent:7")
    assert events.named("subscription.created")[0].payload["msisdn"] == "+254712345678"


@pytest.mark.parametrize("start, target", list(itertools.product(STATUSES, STATUSES)))
def test_status_moves_follow_the_lifecycle(session, clock, events, prepaid, plan, start, target):
    line = line_in(start, session, clock, events, prepaid, plan)
    before = len(subs.status_history(session, line))
    if start == target:
        subs.change_status(session, clock, events, line, target)
        assert len(subs.status_history(session, line)) == before
    elif (start, target) in ALLOWED:
        clock.advance(minutes=1)
        subs.change_status(session, clock, events, line, target, reason="why", source="test")
        history = subs.status_history(session, line)
        assert (history[-1].from_status, history[-1].to_status, history[-1].changed_at) == (start, target,
                                                                                            clock.now())
        assert line.status == target and line.status_changed_at == clock.now()
    else:
        with pytest.raises(Conflict, match=f"from {start} to {target}"):
            subs.change_status(session, clock, events, line, target)
        assert line.status == start and len(subs.status_history(session, line)) == before


def test_lifecycle_events_dates_and_full_history(session, clock, events, prepaid, plan):
    line = sell(session, clock, events, prepaid, plan)
    clock.advance(hours=1)
    subs.activate(session, clock, events, line)
    activated = clock.now()
    clock.advance(days=3)
    subs.suspend(session, clock, events, line, reason="lost phone")
    clock.advance(days=1)
    subs.resume(session, clock, events, line)
    clock.advance(days=30)
    subs.terminate(session, clock, events, line, reason="customer request")
    assert line.activated_at == activated and line.terminated_at == clock.now()
    assert [e.name for e in events.events if e.name.startswith("subscription.")] == [
        "subscription.created", "subscription.activated", "subscription.suspended", "subscription.resumed",
        "subscription.terminated"]
    assert events.named("subscription.suspended")[0].payload["reason"] == "lost phone"
    session.expire_all()
    history = [(c.from_status, c.to_status) for c in subs.status_history(session, session.get(Subscription, line.id))]
    assert history == [(None, "pending"), ("pending", "active"), ("active", "suspended"), ("suspended", "active"),
                       ("active", "terminated")]


def test_unknown_status_is_invalid(session, clock, events, prepaid, plan):
    with pytest.raises(ValidationError, match="unknown subscription status"):
        subs.change_status(session, clock, events, sell(session, clock, events, prepaid, plan), "paused")


@pytest.mark.smoke
@pytest.mark.parametrize("holder_status", ["pending", "active", "suspended"])
def test_msisdn_is_unique_among_live_lines(session, clock, events, prepaid, postpaid, plan, holder_status):
    holder = line_in(holder_status, session, clock, events, prepaid, plan)
    with pytest.raises(Conflict, match=f"MSISDN \\+254712345678 is already in use by subscription {holder.id}"):
        sell(session, clock, events, postpaid, plan, "+254 712 345678")


def test_a_terminated_lines_msisdn_can_be_sold_again(session, clock, events, prepaid, plan):
    old = line_in("terminated", session, clock, events, prepaid, plan)
    again = sell(session, clock, events, prepaid, plan, "254712345678")
    subs.terminate(session, clock, events, again)
    third = sell(session, clock, events, prepaid, plan)
    assert len({old.id, again.id, third.id}) == 3
    assert subs.find_active_subscription_by_msisdn(session, "+254712345678") == third


def test_the_database_also_refuses_two_live_lines_on_one_msisdn(session, clock, events, prepaid, plan):
    # Past the service check (a race between two sales), the partial unique index decides.
    line = sell(session, clock, events, prepaid, plan)
    session.add(Subscription(billing_account_id=prepaid.id, msisdn=line.msisdn, offering_id=plan.id,
                             offering_version_id=line.offering_version_id, status="active",
                             created_at=clock.now(), status_changed_at=clock.now()))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_invalid_msisdn_iccid_imsi(session, clock, events, prepaid, plan):
    with pytest.raises(ValidationError, match="not a valid phone number"):
        sell(session, clock, events, prepaid, plan, "12345")
    with pytest.raises(ValidationError, match="iccid"):
        sell(session, clock, events, prepaid, plan, iccid="8925-not-digits")
    with pytest.raises(ValidationError, match="imsi"):
        sell(session, clock, events, prepaid, plan, imsi="123")


@pytest.mark.smoke
def test_plan_payment_type_must_fit_the_account(session, clock, events, prepaid, postpaid, new_offering):
    prepaid_plan = new_offering("PRE-DAILY", payment_type="prepaid")
    postpaid_plan = new_offering("POST-500", payment_type="postpaid")
    with pytest.raises(ValidationError, match="prepaid plan and cannot be sold on a postpaid account"):
        sell(session, clock, events, postpaid, prepaid_plan)
    with pytest.raises(ValidationError, match="postpaid plan and cannot be sold on a prepaid account"):
        sell(session, clock, events, prepaid, postpaid_plan)
    assert sell(session, clock, events, prepaid, prepaid_plan, "0712000001").offering_id == prepaid_plan.id
    assert sell(session, clock, events, postpaid, postpaid_plan, "0712000002").offering_id == postpaid_plan.id


def test_only_sellable_plans_in_market(session, clock, events, prepaid, new_offering):
    with pytest.raises(ValidationError, match="is a bundle, not a plan"):
        sell(session, clock, events, prepaid, new_offering("DATA-1GB", kind="bundle"))
    with pytest.raises(Conflict, match="not in market"):
        sell(session, clock, events, prepaid, new_offering("DRAFT", status="In design"))
    with pytest.raises(Conflict, match="not sellable"):
        sell(session, clock, events, prepaid, new_offering("STAFF", sellable=False))
    retired = new_offering("OLD")
    set_lifecycle_status(session, clock, retired, "Retired")
    with pytest.raises(Conflict, match="Retired"):
        sell(session, clock, events, prepaid, retired)
    with pytest.raises(ValidationError, match="no product offering 999"):
        subs.create_subscription(session, clock, events, account=prepaid, msisdn="0712345678", offering_id=999,
                                 default_region="KE")


def test_a_line_keeps_the_terms_it_was_sold_on(session, clock, events, prepaid, plan):
    first = sell(session, clock, events, prepaid, plan, "0712000001")
    clock.advance(days=1)
    change_terms(session, clock, plan, validity_days=30,
                 prices=[PriceTerms(name="Monthly fee", price_type="recurring", amount=500, currency="KES",
                                    recurring_period="month")])
    clock.advance(seconds=1)
    second = sell(session, clock, events, prepaid, plan, "0712000002")
    assert first.offering_version_id == plan.versions[0].id
    assert second.offering_version_id == plan.versions[1].id != first.offering_version_id


def test_no_new_or_reactivated_lines_on_a_suspended_account(session, clock, events, prepaid, plan):
    line = line_in("suspended", session, clock, events, prepaid, plan)
    set_account_state(session, clock, events, prepaid, "Suspended")
    with pytest.raises(Conflict, match="Suspended"):
        sell(session, clock, events, prepaid, plan, "0712000009")
    with pytest.raises(Conflict, match="cannot be activated"):
        subs.resume(session, clock, events, line)


def test_lookups(session, clock, events, prepaid, postpaid, plan, customer_id):
    a = line_in("active", session, clock, events, prepaid, plan, "0712000001")
    b = line_in("terminated", session, clock, events, prepaid, plan, "0712000002")
    c = line_in("suspended", session, clock, events, postpaid, plan, "0712000003")
    assert subs.find_active_subscription_by_msisdn(session, "+254712000001") == a
    assert subs.find_active_subscription_by_msisdn(session, "+254712000002") is None
    assert subs.find_active_subscription_by_msisdn(session, "+254712000003") == c
    assert subs.subscriptions_of_account(session, prepaid.id) == [a, b]
    assert subs.subscriptions_of_account(session, prepaid.id, include_terminated=False) == [a]
    assert subs.subscriptions_of_customer(session, customer_id, include_terminated=False) == [a, c]


def test_sim_swap(session, clock, events, prepaid, plan):
    line = line_in("active", session, clock, events, prepaid, plan)
    subs.change_sim(session, line, iccid="8925402123456789012F", imsi="639021234567891")
    assert (line.iccid, line.imsi) == ("8925402123456789012", "639021234567891")
    subs.terminate(session, clock, events, line)
    with pytest.raises(Conflict, match="terminated"):
        subs.change_sim(session, line, iccid="8925402123456789013")


def test_only_a_line_never_activated_can_be_deleted(session, clock, events, prepaid, plan):
    cancelled = line_in("terminated", session, clock, events, prepaid, plan, "0712000001")
    subs.delete_subscription(session, cancelled)
    assert session.get(Subscription, cancelled.id) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(SubscriptionStatusChange)
                          .where(SubscriptionStatusChange.subscription_id == cancelled.id)) == 0
    for status in ("active", "suspended"):
        with pytest.raises(Conflict, match="terminate it instead"):
            subs.delete_subscription(session, line_in(status, session, clock, events, prepaid, plan,
                                                      f"07120000{len(status):02d}"))
    once_active = line_in("active", session, clock, events, prepaid, plan, "0712000099")
    subs.terminate(session, clock, events, once_active)
    with pytest.raises(Conflict, match="terminate it instead"):
        subs.delete_subscription(session, once_active)


def test_first_line_puts_a_defined_account_to_use(session, clock, events, customer_id, plan):
    account = create_account(session, clock, events, customer_id=customer_id, payment_type="prepaid",
                             default_currency="KES", state="Defined")
    sell(session, clock, events, account, plan)
    assert account.state == "Active"


def test_two_sales_of_one_number_at_once_end_in_one_line_and_a_conflict(session, clock, events, prepaid, plan):
    """The race the service check cannot see: the index decides and the loser gets a Conflict."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("needs two concurrent writers")
    session.commit()
    first, second = Session(session.get_bind()), Session(session.get_bind())
    outcome: list[object] = []
    try:
        sell(first, clock, events, first.get(BillingAccount, prepaid.id), plan, "0712345678")

        def sell_again():
            try:
                sell(second, clock, events, second.get(BillingAccount, prepaid.id), plan, "0712345678")
                second.commit()
                outcome.append("sold")
            except Conflict as conflict:
                second.rollback()
                outcome.append(conflict)

        worker = threading.Thread(target=sell_again)
        worker.start()
        worker.join(0.5)  # blocked on the first sale's index entry
        first.commit()
        worker.join(10)
    finally:
        first.close()
        second.close()
    [conflict] = outcome
    assert isinstance(conflict, Conflict) and conflict.code == "msisdn_in_use"
    assert session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 1
