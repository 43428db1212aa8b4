"""Texts in the customer's language, with numbers, dates and plurals as that language writes
them in the operator's country (Babel/CLDR), and times in the operator's zone, never UTC."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.money import Money
from crm.conversations.models import Interaction
from crm.i18n.catalogs import LANGUAGES, catalog, translate
from crm.i18n.formats import Formats

MORNING = dt.datetime(2026, 3, 2, 6, 5, tzinfo=dt.UTC)  # 09:05 in Nairobi


def test_english_counts_one_and_many_differently():
    assert translate("en", "notify.bucket_expiring", count=1, service="data", expiry="x") == \
        "Your data bundle expires in 1 hour, on x."
    assert translate("en", "notify.bucket_expiring", count=3, service="data", expiry="x") == \
        "Your data bundle expires in 3 hours, on x."
    assert translate("sw", "notify.bucket_expiring", count=3, service="data", expiry="x") == \
        "Kifurushi chako cha data kinaisha baada ya saa 3, x."


def test_a_counting_text_without_a_count_is_a_programming_error():
    with pytest.raises(KeyError, match="give count="):
        translate("en", "notify.bucket_expiring", service="data", expiry="x")


def test_every_counting_text_has_the_other_form_in_every_language():
    for language in LANGUAGES:
        for key, text in catalog(language).items():
            if isinstance(text, dict):
                assert "other" in text, (language, key)


@pytest.mark.parametrize(("language", "day_month", "date"), [("en", "02/03", "02/03/2026"), ("sw", "2/3", "2/3/2026")])
def test_dates_read_as_the_language_writes_them_in_the_operators_country(language, day_month, date):
    fmt = Formats(language, "KE", "Africa/Nairobi")
    assert (fmt.day_month(MORNING), fmt.time(MORNING), fmt.date(MORNING)) == (day_month, "09:05", date)
    assert fmt.day_month_time(MORNING) == f"{day_month} 09:05"


def test_amounts_keep_the_currency_code_and_its_minor_unit_with_the_locales_marks():
    assert Formats("en", "KE", "Africa/Nairobi").money(Money.of("1250.5", "KES")) == "KES 1,250.50"
    assert Formats("en", "UG", "Africa/Kampala").money(Money.of("1250", "UGX")) == "UGX 1,250"
    assert Money.of("1250.5", "EUR").format("fr_FR") == "EUR 1\u202f250,50"  # French groups with a narrow space
    assert Formats("en", "KE", "Africa/Nairobi").signed(Decimal("-30"), "KES") == "-30.00"
    assert Formats("sw", "KE", "Africa/Nairobi").signed(Decimal("500"), "KES") == "+500.00"


def test_a_bundle_about_to_expire_is_announced_in_local_time(session, events, world, clock):
    ends = clock.now() + dt.timedelta(hours=2, minutes=10)
    events.publish("bucket.expiring", bucket_id=1, subscription_id=world.postpaid_line.id,
                   msisdn=world.postpaid_line.msisdn, service="data", valid_to=ends)
    message = session.scalar(sa.select(Interaction).where(Interaction.purpose == "notification"))
    local = ends.astimezone(dt.timezone(dt.timedelta(hours=3)))
    assert message.text == f"Your data bundle expires in 3 hours, on {local:%d/%m %H:%M}."
