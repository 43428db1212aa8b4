"""The rated record's row: one definition of its columns, built by name by every rating path.

Batch rating bulk-writes these rows; real-time rating writes one and hands it back with its
id. Both build it as ``RatedRow(usage_id=..., ...)``, so adding a column here makes every
builder that does not name it fail at once instead of shifting the values after it.
``tests/rating/test_records.py`` holds the fields to the ``rated_usage`` table.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

INCOMING = "incoming"  # the zone of a mobile-terminated record at home: free, not an error
INSUFFICIENT_BALANCE = "insufficient_balance"  # the flag of a record with a shortfall
LIVE = "rated"  # the status of a live rating (a rerate marks it reversed)
NO_BUCKETS: tuple = ()  # hashable, so the JSON of "no buckets" is made once per bulk write


class RatedRow(NamedTuple):
    """A ``rated_usage`` row but its id and ``reversed_by_run_id``, in the table's column order."""

    usage_id: int
    run_id: int
    subscription_id: int
    billing_account_id: int
    msisdn: str
    service: str
    direction: str
    started_at: dt.datetime
    other_party: str | None
    roaming: bool
    visited_network: str | None
    quantity: int
    billed_units: int
    bucket_units: int
    tariff_version_id: int | None
    rate_id: int | None
    zone: str
    band: str | None
    currency: str
    amount: Decimal
    balance_debited: Decimal
    postpaid_charged: Decimal
    shortfall: Decimal
    flag: str | None
    buckets: Any  # [(bucket_id, units), ...] in the order drawn
    charge_id: int | None
    status: str
    created_at: dt.datetime


RATED_COLUMNS: tuple[str, ...] = RatedRow._fields

# A rated record as the real-time path returns it: the row as written, with its id.
RatedRecord = NamedTuple("RatedRecord", [("id", int), *RatedRow.__annotations__.items()])


def written_record(rated_id: int, row: RatedRow, charge_id: int | None) -> RatedRecord:
    """The record ``row`` became once written: its id, and the charge the write added."""
    return RatedRecord(rated_id, *row._replace(charge_id=charge_id))
