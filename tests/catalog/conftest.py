"""Catalog test helpers: a launched prepaid plan, and a stand-in for a table that sells offerings."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from catalog import offerings
from catalog.prices import PriceTerms
from catalog.versions import Allowances
from core.db import Base, db

BASE = "/tmf-api/productCatalogManagement/v4"


@pytest.fixture
def smart_plan(session, clock):
    """PRE-SMART-500: a launched prepaid plan, 500 KES a month, 500 min / 100 SMS / 2 GB."""
    offering = offerings.create_offering(
        session, clock, name="Smart 500", code="PRE-SMART-500", kind="plan", payment_type="prepaid",
        lifecycle_status="Launched",
        prices=[PriceTerms(name="Monthly fee", price_type="recurring", amount="500", currency="KES")],
        allowances=Allowances(voice_minutes=500, sms_count=100, data_mb=2048), validity_days=30)
    session.commit()
    return offering


@pytest.fixture
def sales_table(app) -> Iterator[sa.Table]:
    """A table outside the catalog pointing at offering versions, as billing's subscriptions do;
    made for the test and dropped after, so these tests do not depend on billing's schema."""
    table = sa.Table("test_catalog_sale", Base.metadata,
                     sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("version_id", sa.ForeignKey("product_offering_version.id")))
    table.create(db.engine)
    try:
        yield table
    finally:
        db.session.rollback()
        table.drop(db.engine)
        Base.metadata.remove(table)
