"""A small demo catalog: the plans, bundles and add-ons a mobile operator typically sells.

``seed_demo_catalog`` is idempotent by offering code, so a demo command can run it on every
start. Amounts are in the currency passed (the operator's billing currency).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog import categories, offerings, specifications
from catalog.models import Catalog, Category, ProductOffering, ProductSpecification
from catalog.prices import PriceTerms
from catalog.versions import Allowances
from core.clock import Clock


@dataclass(frozen=True)
class DemoOffering:
    code: str
    name: str
    kind: str
    payment_type: str
    category: str
    fee: str  # the recurring fee of plans, the one-time price of bundles and add-ons
    allowances: Allowances
    validity_days: int | None = None
    description: str = ""


DEMO_OFFERINGS = (
    DemoOffering("PRE-SMART-500", "Smart 500", "plan", "prepaid", "Prepaid plans", "500",
                 Allowances(voice_minutes=500, sms_count=100, data_mb=2048), 30,
                 "500 minutes, 100 SMS and 2 GB every 30 days"),
    DemoOffering("PRE-PAYG", "Pay as you go", "plan", "prepaid", "Prepaid plans", "0", Allowances(), None,
                 "No monthly fee; every call, SMS and megabyte from the balance"),
    DemoOffering("POST-BIZ-1000", "Business 1000", "plan", "postpaid", "Postpaid plans", "1500",
                 Allowances(voice_minutes=1000, sms_count=500, data_mb=10240), None,
                 "1000 minutes, 500 SMS and 10 GB a month, billed monthly"),
    DemoOffering("BUN-DATA-1GB", "Data 1 GB (7 days)", "bundle", "any", "Bundles", "100",
                 Allowances(data_mb=1024), 7),
    DemoOffering("BUN-DAILY-MIX", "Daily mix", "bundle", "prepaid", "Bundles", "20",
                 Allowances(voice_minutes=20, sms_count=20, data_mb=100), 1),
    DemoOffering("ADD-NIGHT-DATA", "Night data 5 GB", "addon", "any", "Add-ons", "50",
                 Allowances(data_mb=5120, scope="night"), 1),
)

LINE_NUMBER = "MOBILE-LINE"

# Usage rates of the pay-as-you-go plan: per minute of voice, per SMS, per megabyte.
PAYG_RATES = (("Voice per minute", "2", "min"), ("SMS", "1", "SMS"), ("Data per MB", "0.50", "MB"))


def seed_demo_catalog(session: Session, clock: Clock, currency: str = "KES") -> list[ProductOffering]:
    """Create what is missing of the demo catalog (launched offerings); returns all of them."""
    line = _mobile_line(session, clock)
    root = _category(session, clock, "Mobile", None)
    made = []
    for demo in DEMO_OFFERINGS:
        existing = offerings.find_offering_by_code(session, demo.code)
        if existing is not None:
            made.append(existing)
            continue
        category = _category(session, clock, demo.category, root.id)
        made.append(offerings.create_offering(
            session, clock, name=demo.name, code=demo.code, kind=demo.kind, payment_type=demo.payment_type,
            description=demo.description or None, lifecycle_status="Launched", prices=_prices(demo, currency),
            allowances=demo.allowances, validity_days=demo.validity_days, specification_id=line.id,
            category_ids=[category.id]))
    if session.scalar(sa.select(Catalog).where(Catalog.name == "Retail").limit(1)) is None:
        categories.create_catalog(session, clock, name="Retail", lifecycle_status="Launched", category_ids=[root.id])
    return made


def _prices(demo: DemoOffering, currency: str) -> list[PriceTerms]:
    if demo.code == "PRE-PAYG":
        return [PriceTerms(name=name, price_type="usage", amount=rate, currency=currency, unit_of_measure=unit,
                           unit_quantity=1) for name, rate, unit in PAYG_RATES]
    if demo.kind == "plan":
        return [PriceTerms(name=f"{demo.name} monthly fee", price_type="recurring", amount=demo.fee,
                           currency=currency, recurring_period="month")]
    return [PriceTerms(name=demo.name, price_type="oneTime", amount=demo.fee, currency=currency)]


def _mobile_line(session: Session, clock: Clock) -> ProductSpecification:
    existing = session.scalar(sa.select(ProductSpecification)
                              .where(ProductSpecification.product_number == LINE_NUMBER).limit(1))
    return existing or specifications.create_specification(
        session, clock, name="Mobile line", product_number=LINE_NUMBER, lifecycle_status="Launched",
        characteristics=[{"name": "msisdn", "valueType": "string", "configurable": False},
                         {"name": "iccid", "valueType": "string", "configurable": False}])


def _category(session: Session, clock: Clock, name: str, parent_id: int | None) -> Category:
    parent = Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
    existing = session.scalar(sa.select(Category).where(Category.name == name, parent).limit(1))
    return existing or categories.create_category(session, clock, name=name, parent_id=parent_id,
                                                  lifecycle_status="Launched")
