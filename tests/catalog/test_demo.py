"""The demo catalog seeder: sellable offerings, run twice without duplicates."""
from __future__ import annotations

from decimal import Decimal

from catalog import offerings
from catalog.demo import DEMO_OFFERINGS, seed_demo_catalog
from catalog.versions import current_version


def test_seed_is_idempotent_and_sellable(session, clock):
    first = seed_demo_catalog(session, clock)
    session.commit()
    again = seed_demo_catalog(session, clock)
    assert [o.id for o in again] == [o.id for o in first] and len(first) == len(DEMO_OFFERINGS)
    prepaid_plans = offerings.sellable_offerings(session, kind="plan", payment_type="prepaid", at=clock.now())
    assert {o.code for o in prepaid_plans} == {"PRE-SMART-500", "PRE-PAYG"}
    payg = offerings.find_offering_by_code(session, "PRE-PAYG")
    rates = {p.unit_of_measure: p.amount for p in current_version(session, payg).prices}
    assert rates == {"min": Decimal("2"), "SMS": Decimal("1"), "MB": Decimal("0.5")}
    assert payg.specification.product_number == "MOBILE-LINE"
    assert [c.name for c in payg.categories] == ["Prepaid plans"]
