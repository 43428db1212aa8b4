"""Offering services: creation, versioned terms, lifecycle, sellability and deletion."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from catalog import offerings
from catalog.models import ProductOfferingPrice, ProductOfferingVersion
from catalog.prices import PriceTerms
from catalog.versions import Allowances, current_version, new_version
from core.clock import UTC
from core.errors import Conflict, NotFound, ValidationError


@pytest.mark.smoke
def test_create_offering_has_version_one_with_its_terms(session, clock, smart_plan):
    version = current_version(session, smart_plan)
    assert version.version == 1
    assert version.effective_from == clock.now() and version.effective_to is None
    assert (version.voice_minutes, version.sms_count, version.data_mb, version.validity_days) == (500, 100, 2048, 30)
    [fee] = version.prices
    assert fee.amount == Decimal("500") and isinstance(fee.amount, Decimal)
    assert fee.currency == "KES" and fee.recurring_period == "month"
    assert smart_plan.launched_at == clock.now()


def test_find_by_code_ignores_case_and_codes_are_unique(session, clock, smart_plan):
    assert offerings.find_offering_by_code(session, "pre-smart-500") is smart_plan
    assert offerings.find_offering_by_code(session, "NOPE") is None
    with pytest.raises(Conflict):
        offerings.create_offering(session, clock, name="Copy", code="PRE-SMART-500")


def test_generated_code_when_none_given(session, clock):
    offering = offerings.create_offering(session, clock, name="Weekend data", kind="bundle")
    assert offering.code.startswith("BUNDL-")
    assert offerings.find_offering_by_code(session, offering.code) is offering


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "gadget"}, "kind"),
    ({"payment_type": "barter"}, "paymentType"),
    ({"lifecycle_status": "Dreaming"}, "lifecycleStatus"),
    ({"code": "has space"}, "code"),
    ({"validity_days": 0}, "validityDays"),
    ({"valid_from": dt.datetime(2026, 5, 1, tzinfo=UTC), "valid_to": dt.datetime(2026, 4, 1, tzinfo=UTC)},
     "validFor"),
])
def test_create_offering_refuses_bad_input(session, clock, kwargs, field):
    with pytest.raises(ValidationError) as error:
        offerings.create_offering(session, clock, name="Bad", **kwargs)
    assert error.value.field == field


@pytest.mark.smoke
def test_price_change_after_launch_makes_a_new_version_and_keeps_history(session, clock, smart_plan):
    v1 = current_version(session, smart_plan)
    old_fee = v1.prices[0]
    launch = clock.now()
    clock.advance(days=10)
    offerings.update_offering(session, clock, smart_plan,
                              prices=[PriceTerms(name="Monthly fee", amount="550", currency="KES")])
    session.commit()

    v2 = current_version(session, smart_plan)
    assert v2.version == 2 and v2.effective_from == clock.now()
    assert v1.effective_to == clock.now()
    assert v2.prices[0].amount == Decimal("550") and v2.prices[0] is not old_fee
    assert old_fee.amount == Decimal("500") and v1.prices == [old_fee]
    # Terms that did not change are carried over.
    assert (v2.voice_minutes, v2.data_mb, v2.validity_days) == (500, 2048, 30)
    assert current_version(session, smart_plan, at=launch + dt.timedelta(days=1)) is v1
    assert current_version(session, smart_plan, at=clock.now()) is v2
    assert current_version(session, smart_plan, at=launch - dt.timedelta(seconds=1)) is None


def test_unchanged_prices_are_shared_between_versions(session, clock, smart_plan):
    v1 = current_version(session, smart_plan)
    clock.advance(hours=1)
    v2 = new_version(session, clock, smart_plan, allowances=Allowances(voice_minutes=600, sms_count=100,
                                                                         data_mb=2048))
    assert v2.version == 2 and v2.voice_minutes == 600
    assert v2.prices == v1.prices
    assert v1.voice_minutes == 500


def test_same_terms_again_make_no_new_version(session, clock, smart_plan):
    offerings.update_offering(session, clock, smart_plan, validity_days=30,
                              prices=[PriceTerms(name="Monthly fee", amount="500.00", currency="kes")])
    assert current_version(session, smart_plan).version == 1


def test_terms_edited_in_place_before_launch(session, clock):
    draft = offerings.create_offering(session, clock, name="Draft", validity_days=7)
    offerings.update_offering(session, clock, draft, validity_days=14,
                              allowances=Allowances(data_mb=500))
    versions = session.scalars(sa.select(ProductOfferingVersion)
                               .where(ProductOfferingVersion.offering_id == draft.id)).all()
    assert [(v.version, v.validity_days, v.data_mb) for v in versions] == [(1, 14, 500)]


def test_launch_then_change_versions(session, clock):
    draft = offerings.create_offering(session, clock, name="Draft", validity_days=7)
    offerings.set_lifecycle_status(session, clock, draft, "In test")
    offerings.set_lifecycle_status(session, clock, draft, "Launched")
    clock.advance(minutes=5)
    offerings.update_offering(session, clock, draft, validity_days=14)
    assert [v.validity_days for v in draft.versions] == [7, 14]


@pytest.mark.smoke
def test_lifecycle_transitions_are_enforced(session, clock, smart_plan):
    offerings.set_lifecycle_status(session, clock, smart_plan, "Retired", reason="replaced by Smart 600")
    assert smart_plan.status_reason == "replaced by Smart 600"
    offerings.set_lifecycle_status(session, clock, smart_plan, "obsolete")
    assert smart_plan.lifecycle_status == "Obsolete"
    with pytest.raises(Conflict):
        offerings.set_lifecycle_status(session, clock, smart_plan, "Launched")
    with pytest.raises(ValidationError):
        offerings.set_lifecycle_status(session, clock, smart_plan, "Gone")


def test_launched_offering_cannot_go_back_to_design(session, clock, smart_plan):
    with pytest.raises(Conflict):
        offerings.update_offering(session, clock, smart_plan, lifecycle_status="In design")


def test_sellable_offerings_filter_kind_payment_status_and_validity(session, clock, smart_plan):
    day = dt.timedelta(days=1)
    now = clock.now()
    postpaid = offerings.create_offering(session, clock, name="Biz 1000", payment_type="postpaid",
                                         lifecycle_status="Active")
    anyone = offerings.create_offering(session, clock, name="Data 1GB", kind="bundle", lifecycle_status="Launched",
                                       valid_to=now + day)
    offerings.create_offering(session, clock, name="Draft plan", payment_type="prepaid")
    offerings.create_offering(session, clock, name="Hidden", lifecycle_status="Launched", is_sellable=False)
    offerings.create_offering(session, clock, name="Next year", lifecycle_status="Launched",
                              valid_from=now + 300 * day)

    assert offerings.sellable_offerings(session, kind="plan", payment_type="prepaid", at=now) == [smart_plan]
    assert offerings.sellable_offerings(session, kind="plan", payment_type="postpaid", at=now) == [postpaid]
    assert offerings.sellable_offerings(session, payment_type="prepaid", at=now) == [anyone, smart_plan]
    assert anyone not in offerings.sellable_offerings(session, at=now + 2 * day)


def test_delete_never_sold_offering(session, clock, smart_plan):
    price_ids = [p.id for p in current_version(session, smart_plan).prices]
    offerings.delete_offering(session, smart_plan)
    session.commit()
    assert offerings.get_offering(session, smart_plan.id) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(ProductOfferingVersion)) == 0
    # The price row survives as a standalone price.
    assert session.get(ProductOfferingPrice, price_ids[0]) is not None


def test_delete_sold_offering_is_refused(session, clock, smart_plan, sales_table):
    version = current_version(session, smart_plan)
    session.execute(sa.insert(sales_table).values(version_id=version.id))
    with pytest.raises(Conflict) as error:
        offerings.delete_offering(session, smart_plan)
    assert "test_catalog_sale" in error.value.message


def test_require_offering_and_unknown_references(session, clock):
    with pytest.raises(NotFound):
        offerings.require_offering(session, 999)
    assert offerings.get_offering(session, "not-a-number") is None
    with pytest.raises(NotFound):
        offerings.create_offering(session, clock, name="X", specification_id=42)
    with pytest.raises(NotFound):
        offerings.create_offering(session, clock, name="X", category_ids=[42])


def test_bundle_of_offerings(session, clock, smart_plan):
    addon = offerings.create_offering(session, clock, name="Night data", kind="addon")
    bundle = offerings.create_offering(session, clock, name="Smart pack", bundled_offering_ids=[smart_plan.id,
                                                                                               addon.id])
    assert bundle.is_bundle and bundle.bundled == [smart_plan, addon]
    with pytest.raises(ValidationError):
        offerings.update_offering(session, clock, bundle, bundled_offering_ids=[bundle.id])
    with pytest.raises(ValidationError):
        offerings.update_offering(session, clock, bundle, is_bundle=False)
    offerings.update_offering(session, clock, bundle, is_bundle=False, bundled_offering_ids=[])
    assert not bundle.is_bundle and bundle.bundled == []


def test_moving_start_of_sale_back_before_launch_moves_the_terms(session, clock):
    draft = offerings.create_offering(session, clock, name="Draft")
    earlier = clock.now() - dt.timedelta(days=30)
    offerings.update_offering(session, clock, draft, valid_from=earlier)
    assert current_version(session, draft, at=earlier) is current_version(session, draft)


def test_nothing_is_sellable_before_its_terms_exist(session, clock, smart_plan):
    assert offerings.sellable_offerings(session, at=clock.now() - dt.timedelta(days=1)) == []
