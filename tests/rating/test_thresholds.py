"""Low-balance notices: the line is per currency, from a default table the setting overrides,
and both rating paths and the rerate command use the table they are given."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from billing.accounts import create_account
from billing.balances import credit_balance
from billing.rating import debit, rate_usage
from billing.rating.thresholds import (
    DEFAULT_THRESHOLDS,
    crossed_low_balance,
    low_balance_for,
    low_balance_thresholds,
    parse_thresholds,
)
from billing.subscriptions import create_subscription
from catalog.offerings import create_offering
from catalog.tariffs import service as tariffs
from crm.customers import create_customer
from gateway.demo.tariffs import standard_tariff
from tests.rating.conftest import TARIFF_START


def test_the_defaults_keep_kes_at_20_and_scale_other_currencies():
    assert low_balance_for("KES") == Decimal("20")
    assert (low_balance_for("UGX"), low_balance_for("TZS")) == (Decimal("2000"), Decimal("1000"))
    assert {low_balance_for(c) for c in ("USD", "EUR", "GBP")} == {Decimal("1")}
    assert low_balance_for("NGN") is None  # no line: no notice
    assert dict(low_balance_thresholds("")) == dict(DEFAULT_THRESHOLDS)


def test_the_setting_overrides_and_adds_currencies():
    table = low_balance_thresholds(" kes=50 , NGN=100.50,")
    assert table["KES"] == Decimal("50") and table["NGN"] == Decimal("100.50") and table["USD"] == Decimal("1")
    assert parse_thresholds("USD=0") == {"USD": Decimal("0")}
    assert parse_thresholds(None) == {}


@pytest.mark.parametrize("setting", ["KES", "KES=", "XXX=1", "KES=-1", "KES=lots", "KES=NaN", "KES=1,kes=2",
                                     "KES=1.5e400x"])
def test_a_malformed_setting_is_refused_by_name(setting):
    with pytest.raises(ValueError, match="LOW_BALANCE_THRESHOLDS"):
        low_balance_thresholds(setting)


def test_crossing_is_announced_once():
    line = Decimal("20")
    assert crossed_low_balance(Decimal("25"), Decimal("19.99"), line)
    assert crossed_low_balance(Decimal("20"), Decimal("19.99"), line)
    assert not crossed_low_balance(Decimal("19.99"), Decimal("10"), line)  # already below: told before
    assert not crossed_low_balance(Decimal("25"), Decimal("20"), line)
    assert not crossed_low_balance(Decimal("25"), Decimal("-5"), None)


def _usd_line(operator, balance: str):
    """A prepaid line on a plan priced in US dollars (0.60 a minute off-net at peak)."""
    session, clock, events = operator.session, operator.clock, operator.events
    tariff = standard_tariff(session, clock, code="TEST-USD", name="Test dollars", currency="USD",
                             per_minute=Decimal("0.60"), per_sms=Decimal("0.05"), per_mb=Decimal("0.02"),
                             effective_from=TARIFF_START)
    plan = create_offering(session, clock, name="Dollar plan", code="TEST-USD-PLAN", kind="plan",
                           payment_type="any", lifecycle_status="Launched", is_sellable=True)
    tariffs.link_plan(session, plan.id, tariff)
    customer = create_customer(session, clock, name="Dollar customer", default_region="KE", events=events)
    account = create_account(session, clock, events, customer_id=customer.id, payment_type="prepaid",
                             default_currency="USD")
    credit_balance(session, clock, events, account=account, amount=Decimal(balance), reason="topup")
    return create_subscription(session, clock, events, account=account, msisdn="+254722999001",
                               offering_id=plan.id, default_region="KE", activate=True)


def _rate(path: str, session, clock, events, usage, **kw) -> None:
    if path == "batch":
        rate_usage(session, clock, events, usage, **kw)
    else:
        for event in usage:
            debit(session, clock, events, event, **kw)


@pytest.mark.parametrize("path", ["batch", "realtime"])
def test_each_currency_is_told_below_its_own_line(path, session, clock, events, operator):
    shillings, dollars = operator.line(balance="24"), _usd_line(operator, "1.50")
    _rate(path, session, clock, events, [operator.usage(shillings, seconds=60), operator.usage(dollars, seconds=60)])
    low = {e.payload["account_id"]: e.payload for e in events.named("balance.low")}
    assert {account: (p["currency"], p["threshold"], p["balance"]) for account, p in low.items()} == {
        shillings.billing_account_id: ("KES", Decimal("20"), Decimal("19.70")),
        dollars.billing_account_id: ("USD", Decimal("1"), Decimal("0.90")),
    }


@pytest.mark.parametrize("path", ["batch", "realtime"])
def test_the_table_given_is_the_one_used(path, session, clock, events, operator):
    shillings, dollars = operator.line(balance="24"), _usd_line(operator, "1.50")
    table = low_balance_thresholds("USD=0.50,KES=21")
    _rate(path, session, clock, events, [operator.usage(shillings, seconds=60), operator.usage(dollars, seconds=60)],
          low_balance=table)
    assert [(e.payload["account_id"], e.payload["threshold"]) for e in events.named("balance.low")] == \
        [(shillings.billing_account_id, Decimal("21"))]


def _with_setting(app, value: str) -> None:
    settings = app.extensions["bss.settings"]
    app.extensions["bss.settings"] = dataclasses.replace(
        settings, declared={**settings.declared, "LOW_BALANCE_THRESHOLDS": value})


def test_rerate_tells_the_customer_below_the_configured_line(app, session, clock, events, operator):
    line = operator.line(balance="100")
    rate_usage(session, clock, events, [operator.usage(line, seconds=60)])  # 95.70: above the default 20
    session.commit()
    assert events.named("balance.low") == []
    _with_setting(app, "KES=96")  # the rerate's reversal brings 100 back; the new debit crosses 96
    result = app.test_cli_runner().invoke(args=["rating", "rerate", "--from", "2026-03-02", "--to", "2026-03-02"])
    assert result.exit_code == 0, result.output
    assert [(e.payload["account_id"], e.payload["threshold"], e.payload["balance"])
            for e in events.named("balance.low")] == [(line.billing_account_id, Decimal("96"), Decimal("95.70"))]


def test_rerate_refuses_a_malformed_setting(app):
    _with_setting(app, "KES=twenty")
    result = app.test_cli_runner().invoke(args=["rating", "rerate", "--from", "2026-03-02", "--to", "2026-03-02"])
    assert result.exit_code != 0 and "LOW_BALANCE_THRESHOLDS" in result.output
