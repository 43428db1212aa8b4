"""Billing fixtures: customers made through the TMF629 API, plans through the catalog service."""
from __future__ import annotations

import pytest

from billing.accounts import create_account
from catalog.offerings import create_offering

CUSTOMER_URL = "/tmf-api/customerManagement/v4/customer"


@pytest.fixture
def new_customer(api):
    """Make a customer the way a client would and return its id."""

    def make(name: str = "Amina Otieno") -> int:
        response = api.post(CUSTOMER_URL, json={"name": name})
        assert response.status_code == 201, response.get_json()
        return int(response.get_json()["id"])

    return make


@pytest.fixture
def customer_id(new_customer) -> int:
    return new_customer()


@pytest.fixture
def new_offering(session, clock):
    """Make a catalog offering; launched, sellable plan open to any payment type unless told."""

    def make(code: str, *, payment_type: str = "any", kind: str = "plan", status: str = "Launched",
             sellable: bool = True):
        return create_offering(session, clock, name=code.replace("-", " ").title(), code=code, kind=kind,
                               payment_type=payment_type, lifecycle_status=status, is_sellable=sellable)

    return make


@pytest.fixture
def plan(new_offering):
    return new_offering("SMART-ANY")


@pytest.fixture
def prepaid(session, clock, events, customer_id):
    return create_account(session, clock, events, customer_id=customer_id, payment_type="prepaid",
                          default_currency="KES")


@pytest.fixture
def postpaid(session, clock, events, customer_id):
    return create_account(session, clock, events, customer_id=customer_id, payment_type="postpaid",
                          default_currency="KES", bill_cycle_day=15)
