"""Billing account services: opening, defaults, validation, state lifecycle, deletion."""
from __future__ import annotations

from decimal import Decimal

import pytest

from billing import accounts
from billing.balances import balance_of
from billing.models import BillingAccount
from billing.subscriptions import create_subscription, terminate
from core.errors import Conflict, ValidationError


def open_account(session, clock, events, customer_id, **kw):
    kw.setdefault("payment_type", "prepaid")
    kw.setdefault("default_currency", "KES")
    return accounts.create_account(session, clock, events, customer_id=customer_id, **kw)


@pytest.mark.smoke
def test_prepaid_account_gets_operator_currency_and_an_empty_balance(session, clock, events, customer_id):
    account = open_account(session, clock, events, customer_id)
    assert (account.payment_type, account.currency, account.state) == ("prepaid", "KES", "Active")
    assert account.bill_cycle_day is None and account.credit_limit is None
    assert account.name == "Prepaid account"
    assert account.created_at == clock.now()
    assert balance_of(session, account).amount == Decimal(0)
    assert events.named("billing_account.created")[0].payload["account_id"] == account.id


def test_postpaid_account_defaults_to_bill_cycle_day_one(session, clock, events, customer_id):
    account = open_account(session, clock, events, customer_id, payment_type="postpaid", currency="usd",
                           credit_limit=Decimal("2500.50"), name="  Acme line  ")
    session.expire_all()
    account = session.get(BillingAccount, account.id)
    assert (account.bill_cycle_day, account.currency, account.name) == (1, "USD", "Acme line")
    assert account.credit_limit == Decimal("2500.50")
    with pytest.raises(ValidationError, match="postpaid"):
        balance_of(session, account)


@pytest.mark.parametrize("kw, message", [
    ({"payment_type": "credit"}, "prepaid or postpaid"),
    ({"currency": "XYZ"}, "unknown currency"),
    ({"currency": "EURO"}, "ISO 4217"),
    ({"payment_type": "postpaid", "bill_cycle_day": 29}, "1 to 28"),
    ({"payment_type": "postpaid", "bill_cycle_day": 0}, "1 to 28"),
    ({"payment_type": "prepaid", "bill_cycle_day": 5}, "no bill cycle"),
    ({"payment_type": "prepaid", "credit_limit": Decimal(10)}, "no credit limit"),
    ({"payment_type": "postpaid", "credit_limit": 10.5}, "float"),
    ({"payment_type": "postpaid", "credit_limit": Decimal("-1")}, "negative"),
    ({"payment_type": "postpaid", "credit_limit": Decimal("1.005")}, "decimals"),
    ({"state": "Closed"}, "Defined or Active"),
])
def test_invalid_accounts_are_refused_with_a_reason(session, clock, events, customer_id, kw, message):
    with pytest.raises(ValidationError, match=message):
        open_account(session, clock, events, customer_id, **kw)


def test_account_needs_an_existing_customer(session, clock, events):
    with pytest.raises(ValidationError, match="no customer 4242"):
        open_account(session, clock, events, 4242)


def test_state_lifecycle_and_closed_is_final(session, clock, events, customer_id):
    account = open_account(session, clock, events, customer_id, state="Defined")
    for state in ("Active", "Suspended", "Active", "Closed"):
        accounts.set_account_state(session, clock, events, account, state, reason="test")
        assert account.state == state
    with pytest.raises(Conflict, match="from Closed to Active"):
        accounts.set_account_state(session, clock, events, account, "Active")
    with pytest.raises(Conflict, match="closed"):
        accounts.update_account(session, clock, events, account, name="Renamed")
    moves = [(e.payload["from_state"], e.payload["to_state"]) for e in events.named("billing_account.state_changed")]
    assert moves == [("Defined", "Active"), ("Active", "Suspended"), ("Suspended", "Active"), ("Active", "Closed")]


def test_defined_cannot_be_suspended_and_unknown_state_is_invalid(session, clock, events, customer_id):
    account = open_account(session, clock, events, customer_id, state="Defined")
    with pytest.raises(Conflict):
        accounts.set_account_state(session, clock, events, account, "Suspended")
    with pytest.raises(ValidationError, match="state must be one of"):
        accounts.set_account_state(session, clock, events, account, "Frozen")


def test_closing_needs_every_line_terminated(session, clock, events, customer_id, plan):
    account = open_account(session, clock, events, customer_id)
    line = create_subscription(session, clock, events, account=account, msisdn="0712345678", offering_id=plan.id,
                               default_region="KE")
    with pytest.raises(Conflict, match="1 subscription"):
        accounts.set_account_state(session, clock, events, account, "Closed")
    terminate(session, clock, events, line)
    accounts.set_account_state(session, clock, events, account, "Closed")
    assert account.state == "Closed"


def test_update_changes_what_may_change_and_refuses_the_rest(session, clock, events, customer_id, new_customer):
    account = open_account(session, clock, events, customer_id, payment_type="postpaid")
    clock.advance(hours=1)
    accounts.update_account(session, clock, events, account, name="Home", bill_cycle_day=20,
                            credit_limit=Decimal(300), payment_type="postpaid", currency="kes")
    assert (account.name, account.bill_cycle_day, account.credit_limit) == ("Home", 20, Decimal(300))
    assert account.updated_at == clock.now() != account.created_at
    accounts.update_account(session, clock, events, account, credit_limit=None)
    assert account.credit_limit is None
    with pytest.raises(Conflict, match="payment type"):
        accounts.update_account(session, clock, events, account, payment_type="prepaid")
    with pytest.raises(Conflict, match="currency"):
        accounts.update_account(session, clock, events, account, currency="USD")
    with pytest.raises(Conflict, match="customer"):
        accounts.update_account(session, clock, events, account, customer_id=new_customer("Someone Else"))


def test_accounts_of_customer(session, clock, events, customer_id, new_customer):
    first = open_account(session, clock, events, customer_id)
    second = open_account(session, clock, events, customer_id, payment_type="postpaid")
    open_account(session, clock, events, new_customer("Other"))
    assert accounts.accounts_of_customer(session, customer_id) == [first, second]


def test_delete_only_an_unused_account(session, clock, events, customer_id, plan):
    unused = open_account(session, clock, events, customer_id)
    accounts.delete_account(session, unused)
    assert session.get(BillingAccount, unused.id) is None
    used = open_account(session, clock, events, customer_id)
    create_subscription(session, clock, events, account=used, msisdn="0712345678", offering_id=plan.id,
                        default_region="KE")
    with pytest.raises(Conflict, match="close it"):
        accounts.delete_account(session, used)
