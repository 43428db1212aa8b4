"""Prepaid balances: Decimal only, rounding to the currency, refusal to overdraw, and a log
that explains every change."""
from __future__ import annotations

import threading
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from sqlalchemy.orm import Session

from billing.accounts import create_account, set_account_state
from billing.balances import available_money, balance_of, credit_balance, debit_balance, transactions_of
from billing.models import BillingAccount
from core.errors import Conflict, ValidationError
from core.money import Money


@pytest.mark.smoke
def test_credit_and_debit_are_logged_with_the_balance_after(session, clock, events, prepaid):
    credit_balance(session, clock, events, account=prepaid, amount=Decimal("100.00"), reason="topup",
                   reference="mpesa:QK12")
    clock.advance(minutes=5)
    debit_balance(session, clock, events, account=prepaid, amount=Decimal("12.50"), reason="usage",
                  reference="cdr:77")
    session.expire_all()
    assert balance_of(session, prepaid).amount == Decimal("87.50")
    log = transactions_of(session, prepaid)
    assert [(t.amount, t.balance_after, t.reason, t.reference) for t in log] == [
        (Decimal("-12.50"), Decimal("87.50"), "usage", "cdr:77"),
        (Decimal("100.00"), Decimal("100.00"), "topup", "mpesa:QK12"),
    ]
    assert log[0].created_at == clock.now()
    # The log explains the balance: its sum is the balance.
    assert sum(t.amount for t in log) == balance_of(session, prepaid).amount
    assert [e.name for e in events.events if e.name.startswith("balance.")] == ["balance.credited", "balance.debited"]
    assert events.named("balance.debited")[0].payload["amount"] == Decimal("12.50")
    assert available_money(session, prepaid) == Money(Decimal("87.50"), "KES")


def test_amounts_are_rounded_to_the_currency_half_up_unless_told(session, clock, events, prepaid):
    entry = credit_balance(session, clock, events, account=prepaid, amount=Decimal("10.005"), reason="topup")
    assert entry.amount == Decimal("10.01")
    entry = debit_balance(session, clock, events, account=prepaid, amount=Decimal("0.125"), reason="usage",
                          rounding=ROUND_HALF_EVEN)
    assert entry.amount == Decimal("-0.12")
    assert balance_of(session, prepaid).amount == Decimal("9.89")


def test_currency_without_minor_units(session, clock, events, customer_id):
    account = create_account(session, clock, events, customer_id=customer_id, payment_type="prepaid",
                             default_currency="KES", currency="UGX")
    entry = credit_balance(session, clock, events, account=account, amount="1500.5", reason="topup")
    assert entry.amount == Decimal(1501)


@pytest.mark.parametrize("amount, error", [
    (1.5, TypeError),
    (Decimal(0), ValidationError),
    (Decimal("0.004"), ValidationError),  # rounds to nothing
    (Decimal(-5), ValidationError),
    ("ten", ValidationError),
])
def test_bad_amounts_are_refused(session, clock, events, prepaid, amount, error):
    with pytest.raises(error):
        credit_balance(session, clock, events, account=prepaid, amount=amount, reason="topup")
    assert transactions_of(session, prepaid) == []


def test_debit_beyond_the_balance_is_refused_unless_allowed(session, clock, events, prepaid):
    credit_balance(session, clock, events, account=prepaid, amount=Decimal(5), reason="topup")
    with pytest.raises(Conflict, match=r"insufficient balance: KES 5\.00 available, KES 7\.00 needed"):
        debit_balance(session, clock, events, account=prepaid, amount=Decimal(7), reason="usage")
    assert balance_of(session, prepaid).amount == Decimal(5)
    debit_balance(session, clock, events, account=prepaid, amount=Decimal(7), reason="usage", allow_negative=True)
    assert balance_of(session, prepaid).amount == Decimal(-2)


def test_a_change_needs_a_reason(session, clock, events, prepaid):
    with pytest.raises(ValidationError, match="reason"):
        credit_balance(session, clock, events, account=prepaid, amount=Decimal(1), reason=" ")


def test_postpaid_and_closed_accounts_take_no_prepaid_money(session, clock, events, prepaid, postpaid):
    with pytest.raises(ValidationError, match="postpaid"):
        credit_balance(session, clock, events, account=postpaid, amount=Decimal(1), reason="topup")
    set_account_state(session, clock, events, prepaid, "Closed")
    with pytest.raises(Conflict, match="closed"):
        credit_balance(session, clock, events, account=prepaid, amount=Decimal(1), reason="topup")


def test_concurrent_debits_serialise_on_the_balance_row(app, session, clock, events, prepaid):
    """Two charges at once must not lose one another (PostgreSQL row lock; SQLite locks the file)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    credit_balance(session, clock, events, account=prepaid, amount=Decimal(100), reason="topup")
    session.commit()
    engine = session.get_bind()
    first, second = Session(engine), Session(engine)
    try:
        debit_balance(first, clock, events, account=first.get(BillingAccount, prepaid.id), amount=Decimal(30),
                      reason="usage", reference="a")
        done = threading.Event()

        def charge_second():
            debit_balance(second, clock, events, account=second.get(BillingAccount, prepaid.id),
                          amount=Decimal(50), reason="usage", reference="b")
            second.commit()
            done.set()

        worker = threading.Thread(target=charge_second)
        worker.start()
        assert not done.wait(0.5), "the second debit did not wait for the first one's lock"
        first.commit()
        worker.join(10)
        assert done.is_set()
    finally:
        first.close()
        second.close()
    session.expire_all()
    assert balance_of(session, prepaid).amount == Decimal(20)
    assert [t.balance_after for t in transactions_of(session, prepaid)] == [Decimal(20), Decimal(70), Decimal(100)]
