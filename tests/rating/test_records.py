"""The rated row is defined once, by column name, and matches the table both paths write."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billing.rating import lookup
from billing.rating.models import RatedUsage
from billing.rating.reasons import CURRENCY_MISMATCH, MESSAGES, message_for
from billing.rating.records import RATED_COLUMNS, RatedRecord, RatedRow, written_record

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ROW = {"usage_id": 7, "run_id": 1, "subscription_id": 2, "billing_account_id": 3, "msisdn": "+254722000001",
       "service": "voice", "direction": "out", "started_at": AT, "other_party": "+254733000111", "roaming": False,
       "visited_network": None, "quantity": 61, "billed_units": 61, "bucket_units": 0, "tariff_version_id": 4,
       "rate_id": 5, "zone": "offnet", "band": "peak", "currency": "KES", "amount": Decimal("4.37"),
       "balance_debited": Decimal(0), "postpaid_charged": Decimal("4.37"), "shortfall": Decimal(0), "flag": None,
       "buckets": (), "charge_id": None, "status": "rated", "created_at": AT}


def test_the_row_has_the_tables_columns_in_its_order():
    written_by_rating = [c.name for c in RatedUsage.__table__.c if c.name not in ("id", "reversed_by_run_id")]
    assert list(RATED_COLUMNS) == written_by_rating
    assert RatedRecord._fields == ("id", *RATED_COLUMNS)


def test_a_builder_that_leaves_a_column_out_fails_instead_of_shifting_the_rest():
    with pytest.raises(TypeError, match="created_at"):
        RatedRow(**{k: v for k, v in ROW.items() if k != "created_at"})
    with pytest.raises(TypeError, match="surcharge"):
        RatedRow(**ROW, surcharge=Decimal(1))


def test_a_written_record_carries_its_id_and_charge():
    record = written_record(99, RatedRow(**ROW), charge_id=12)
    assert (record.id, record.charge_id, record.amount, record.created_at) == (99, 12, Decimal("4.37"), AT)
    assert {name: getattr(record, name) for name in RATED_COLUMNS} == {**ROW, "charge_id": 12}


def test_every_refusal_reason_has_its_text():
    codes = [lookup.UNKNOWN_SUBSCRIBER, lookup.ACCOUNT_CLOSED, lookup.NO_TARIFF, lookup.NO_TARIFF_VERSION,
             lookup.UNKNOWN_DESTINATION, lookup.NO_RATE, lookup.INVALID_USAGE, CURRENCY_MISMATCH]
    assert sorted(MESSAGES) == sorted(codes)
    assert all(message_for(code) != code for code in codes)
    assert message_for("something_new") == "something_new"
