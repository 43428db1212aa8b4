"""The demo operator: complete, deterministic, idempotent, built through the real services."""
import re

import pytest
import sqlalchemy as sa

from billing.models import BillingAccount, Subscription
from catalog.models import ProductOffering
from crm.models import Customer
from gateway.demo import is_seeded

pytestmark = pytest.mark.smoke


def _count(session, column, *where):
    return session.scalar(sa.select(sa.func.count(column)).where(*where))


def test_seed_builds_the_demo_operator_once(app, session):
    runner = app.test_cli_runner()
    assert not is_seeded(session)
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert is_seeded(session)

    plans = session.execute(sa.select(ProductOffering.payment_type, sa.func.count())
                            .where(ProductOffering.kind == "plan").group_by(ProductOffering.payment_type)).all()
    assert dict(plans) == {"prepaid": 3, "postpaid": 3}
    assert _count(session, ProductOffering.id, ProductOffering.kind == "bundle") == 8
    assert _count(session, Customer.id) == 200
    # Every customer has an account and at least one line.
    assert _count(session, BillingAccount.id) == 200
    lines = _count(session, Subscription.id)
    assert lines >= 200
    without_line = session.scalar(
        sa.select(sa.func.count(BillingAccount.id)).where(
            ~sa.exists().where(Subscription.billing_account_id == BillingAccount.id)))
    assert without_line == 0

    # The table of sample subscribers: E.164 numbers, both payment types, balances in KES.
    numbers = re.findall(r"^(\+254\d{9})\s", first.output, flags=re.MULTILINE)
    assert len(numbers) >= 4
    assert "prepaid" in first.output and "postpaid" in first.output and "KES " in first.output
    for number in numbers:
        assert session.scalar(sa.select(Subscription.id).where(Subscription.msisdn == number)) is not None

    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert _count(session, Customer.id) == 200
    assert _count(session, Subscription.id) == lines
    assert re.findall(r"^(\+254\d{9})\s", second.output, flags=re.MULTILINE) == numbers


def test_demo_data_is_served_by_the_api(app, api):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    response = api.get("/tmf-api/productCatalogManagement/v4/productOffering?lifecycleStatus=Launched&limit=50")
    assert response.status_code == 200
    assert int(response.headers["X-Total-Count"]) == 14
    names = {offering["name"] for offering in response.get_json()}
    assert {"Smart Prepaid", "Business Postpaid", "Daily 1 GB"} <= names
    products = api.get("/tmf-api/productInventory/v4/product?limit=5")
    assert products.status_code == 200 and int(products.headers["X-Total-Count"]) >= 200


def test_generated_usage_on_demo_lines_is_mediated_and_rated(app, session, tmp_path):
    """The demo's own story end to end: lines that joined in the past, usage of the last day
    from their switch, mediated and rated against the plans' tariffs and allowances."""
    from mediation.models import UsageRecord

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    out = tmp_path / "cdr"
    made = runner.invoke(args=["mediation", "generate", "--format", "asterisk-csv", "--records", "300",
                               "--out", str(out)])
    assert made.exit_code == 0, made.output
    run = runner.invoke(args=["mediation", "run", "--format", "asterisk-csv", "--json", *map(str, out.iterdir())])
    assert run.exit_code == 0, run.output
    states = dict(session.execute(sa.select(UsageRecord.state, sa.func.count()).group_by(UsageRecord.state)).all())
    assert states.get("rated", 0) > 200
    assert set(states) == {"rated"}, states
