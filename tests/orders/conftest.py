"""Order fixtures: a small catalog with prices and allowances, a customer made through TMF629,
accounts, a number pool and SIM stock, and the provisioning simulator the app sends orders to."""
from __future__ import annotations

from decimal import Decimal

import pytest

from billing.accounts import create_account
from billing.balances import credit_balance
from catalog.offerings import create_offering
from catalog.prices import PriceTerms
from catalog.versions import Allowances
from orders.provisioning import SimulatedProvisioning
from orders.stock import import_number_range, import_sims
from tests.live_server import live_server  # noqa: F401  (a fixture)

ORDER_URL = "/tmf-api/productOrderingManagement/v4/productOrder"
CANCEL_URL = "/tmf-api/productOrderingManagement/v4/cancelProductOrder"
PRODUCT_URL = "/tmf-api/productInventory/v4/product"
FIRST_NUMBER, LAST_NUMBER = "+254700100000", "+254700100004"


@pytest.fixture
def network(app) -> SimulatedProvisioning:
    """The simulator the app provisions through; tests tell it to fail or be slow."""
    simulator = SimulatedProvisioning()
    app.extensions["bss.provisioning"] = simulator
    return simulator


def _price(name, kind, amount, period=None):
    return PriceTerms(name=name, price_type=kind, amount=Decimal(amount), currency="KES", recurring_period=period)


@pytest.fixture
def offers(session, clock) -> dict[str, int]:
    def make(code, kind, payment_type, prices, allowances, validity_days=None):
        return create_offering(session, clock, name=code.title(), code=code, kind=kind, payment_type=payment_type,
                               lifecycle_status="Launched", prices=prices, allowances=allowances,
                               validity_days=validity_days).id

    made = {
        "PRE": make("PRE", "plan", "prepaid", [_price("monthly", "recurring", "500", "month"),
                                               _price("activation", "oneTime", "100")],
                    Allowances(100, 50, 1024), 30),
        "PRE-PLUS": make("PRE-PLUS", "plan", "prepaid", [_price("monthly", "recurring", "800", "month")],
                         Allowances(300, None, 2048), 30),
        "POST": make("POST", "plan", "postpaid", [_price("monthly", "recurring", "1500", "month"),
                                                  _price("activation", "oneTime", "250")],
                     Allowances(500, None, 5120), 30),
        "DATA-1GB": make("DATA-1GB", "bundle", "any", [_price("price", "oneTime", "99")],
                         Allowances(None, None, 1024), 1),
    }
    session.commit()
    return made


@pytest.fixture
def customer_id(api) -> int:
    response = api.post("/tmf-api/customerManagement/v4/customer", json={"name": "Amina Otieno"})
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


@pytest.fixture
def prepaid(session, clock, events, customer_id):
    account = create_account(session, clock, events, customer_id=customer_id, payment_type="prepaid",
                             default_currency="KES")
    credit_balance(session, clock, events, account=account, amount=Decimal("1000"), reason="topup")
    session.commit()
    return account


@pytest.fixture
def postpaid(session, clock, events, customer_id):
    account = create_account(session, clock, events, customer_id=customer_id, payment_type="postpaid",
                             default_currency="KES", credit_limit=Decimal("5000"))
    session.commit()
    return account


@pytest.fixture
def stock(session, clock):
    import_number_range(session, clock, first=FIRST_NUMBER, last=LAST_NUMBER, default_region="KE", batch="t")
    import_sims(session, clock, [(f"8925400000000000{n:03d}", f"63902000000{n:04d}") for n in range(1, 6)],
                batch="t")
    session.commit()


def new_line_body(customer_id: int, account_id: int, offering_id: int, **extra) -> dict:
    return {"productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": str(offering_id)}}],
            "relatedParty": [{"id": str(customer_id), "role": "customer", "@referredType": "Customer"}],
            "billingAccount": {"id": str(account_id)}, **extra}


def line_body(action: str, subscription_id: int, offering_id: int | None = None, **product) -> dict:
    item: dict = {"id": "1", "action": action, "product": {"id": str(subscription_id), **product}}
    if offering_id is not None:
        item["productOffering"] = {"id": str(offering_id)}
    return {"productOrderItem": [item]}


@pytest.fixture
def place(api):
    """POST an order; returns the response JSON after checking the status."""
    def post(body: dict, status: int = 201, headers: dict | None = None) -> dict:
        response = api.post(ORDER_URL, json=body, headers=headers)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    return post


@pytest.fixture
def line(place, customer_id, prepaid, offers, stock, network) -> int:
    """A prepaid line sold through an order; its subscription id."""
    order = place(new_line_body(customer_id, prepaid.id, offers["PRE"]))
    assert order["state"] == "completed", order
    return int(order["productOrderItem"][0]["product"]["id"])
