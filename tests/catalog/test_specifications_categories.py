"""Specification, category and catalog services."""
from __future__ import annotations

import pytest

from catalog import categories, offerings, specifications
from core.errors import Conflict, NotFound, ValidationError


def test_specification_round_trip_and_delete_rules(session, clock):
    spec = specifications.create_specification(
        session, clock, name="Mobile line", brand="Acme", product_number="ML-1",
        characteristics=[{"name": "msisdn", "valueType": "string"}])
    offering = offerings.create_offering(session, clock, name="Smart", specification_id=spec.id)
    assert offering.specification is spec and spec.characteristics[0]["name"] == "msisdn"
    with pytest.raises(Conflict):
        specifications.delete_specification(session, spec)
    offerings.delete_offering(session, offering)
    specifications.delete_specification(session, spec)
    assert specifications.get_specification(session, spec.id) is None


def test_specification_characteristics_need_names(session, clock):
    with pytest.raises(ValidationError):
        specifications.create_specification(session, clock, name="X", characteristics=[{"valueType": "string"}])


def test_category_tree(session, clock):
    root = categories.create_category(session, clock, name="Mobile")
    child = categories.create_category(session, clock, name="Prepaid", parent_id=root.id)
    assert root.is_root and not child.is_root and root.children == [child]
    with pytest.raises(ValidationError):
        categories.update_category(session, clock, root, parent_id=child.id)
    with pytest.raises(Conflict):
        categories.delete_category(session, root)
    with pytest.raises(NotFound):
        categories.create_category(session, clock, name="Orphan", parent_id=999)
    categories.update_category(session, clock, child, parent_id=None)
    assert child.is_root


def test_catalog_lists_categories(session, clock):
    mobile = categories.create_category(session, clock, name="Mobile")
    catalog = categories.create_catalog(session, clock, name="Retail", category_ids=[mobile.id])
    assert catalog.categories == [mobile] and catalog.catalog_type == "ProductCatalog"
    categories.update_catalog(session, clock, catalog, category_ids=[], lifecycle_status="Active")
    assert catalog.categories == [] and catalog.lifecycle_status == "Active"
    categories.delete_catalog(session, catalog)
    assert categories.get_catalog(session, catalog.id) is None


def test_deleting_a_category_or_bundle_member_leaves_no_dangling_links(session, clock):
    mobile = categories.create_category(session, clock, name="Mobile")
    catalog = categories.create_catalog(session, clock, name="Retail", category_ids=[mobile.id])
    member = offerings.create_offering(session, clock, name="Night data", category_ids=[mobile.id])
    bundle = offerings.create_offering(session, clock, name="Pack", bundled_offering_ids=[member.id])
    session.commit()
    categories.delete_category(session, mobile)
    offerings.delete_offering(session, member)
    session.commit()
    session.expire_all()
    assert catalog.categories == [] and bundle.bundled == []
