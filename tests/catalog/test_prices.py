"""Price services: exact decimals, currencies, types, and prices frozen once in market."""
from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import offerings, prices
from catalog.versions import current_version
from core.errors import Conflict, ValidationError


@pytest.mark.smoke
def test_prices_keep_exact_decimals(session, clock):
    usage = prices.create_price(session, clock, name="Per second", price_type="usage", amount="0.0125",
                                currency="KES", unit_of_measure="sec", unit_quantity=1)
    one_time = prices.create_price(session, clock, name="SIM", price_type="oneTime", amount=Decimal("99.90"),
                                   currency="usd")
    session.commit()
    session.expire_all()
    assert prices.get_price(session, usage.id).amount == Decimal("0.0125")
    assert prices.get_price(session, one_time.id).amount == Decimal("99.90")
    assert one_time.currency == "USD" and one_time.recurring_period is None
    assert usage.unit_of_measure == "sec"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"amount": 1.5, "currency": "KES"}, "price.value"),  # float: never
    ({"amount": "abc", "currency": "KES"}, "price.value"),
    ({"amount": "-1", "currency": "KES"}, "price.value"),
    ({"amount": "10"}, "price.unit"),
    ({"amount": "10", "currency": "XXX"}, "currency"),
    ({"amount": "10.001", "currency": "KES"}, "price.value"),  # below the minor unit on a fee
    ({"price_type": "sometimes"}, "priceType"),
    ({"recurring_period": "fortnight"}, "recurringChargePeriodType"),
    ({"recurring_period_length": 0}, "recurringChargePeriodLength"),
    ({"name": " "}, "name"),
])
def test_bad_prices_are_refused_with_the_field(session, clock, kwargs, field):
    with pytest.raises(ValidationError) as error:
        prices.create_price(session, clock, **{"name": "Fee", **kwargs})
    assert error.value.field == field


def test_period_words_are_understood(session, clock):
    price = prices.create_price(session, clock, name="Weekly", recurring_period="Weekly", amount="50",
                                currency="KES")
    assert (price.recurring_period, price.recurring_period_length) == ("week", 1)


def test_price_of_a_launched_offering_keeps_its_terms(session, clock, smart_plan):
    fee = current_version(session, smart_plan).prices[0]
    with pytest.raises(Conflict):
        prices.update_price(session, clock, fee, amount="600")
    with pytest.raises(Conflict):
        prices.delete_price(session, fee)
    # Renaming changes no terms and is allowed; so is sending the same amount back.
    prices.update_price(session, clock, fee, name="Monthly subscription", amount="500.00")
    assert fee.name == "Monthly subscription" and fee.amount == Decimal("500")


def test_price_of_a_draft_offering_can_change_and_be_deleted(session, clock):
    fee = prices.create_price(session, clock, name="Fee", amount="100", currency="KES")
    draft = offerings.create_offering(session, clock, name="Draft", prices=[fee])
    prices.update_price(session, clock, fee, amount="120", lifecycle_status="In test")
    assert fee.amount == Decimal("120") and fee.lifecycle_status == "In test"
    prices.delete_price(session, fee)
    session.commit()
    assert current_version(session, draft).prices == []


def test_price_lifecycle_transitions(session, clock):
    fee = prices.create_price(session, clock, name="Fee", lifecycle_status="Active")
    with pytest.raises(Conflict):
        prices.update_price(session, clock, fee, lifecycle_status="In study")
