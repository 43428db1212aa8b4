"""Rating: usage events priced by the plan's tariff, charged from buckets, then the prepaid
balance or as postpaid charges.

- ``rate_usage`` rates a batch (what mediation calls) and returns each record's outcome;
- ``authorize`` / ``debit`` are the real-time path for prepaid (before and after a call);
- ``rerate`` reverses and re-applies a window after a tariff correction;
- ``rated_records_for`` gives TMF635 usage its rated records.

Both paths share ``records`` (the rated row, built by column name), ``reasons`` (why a record
was refused, and the text kept with it) and ``thresholds`` (the per-currency low-balance line
they are given; the gateway reads it from ``LOW_BALANCE_THRESHOLDS``).

Money: each record's price is rounded once, to the currency's minor unit, by its tariff's
rounding rule (``Tariff.rounding``); sums of records, balance debits and charges are then
exact, so the balance never sees a sub-cent amount.
"""
from billing.rating.batch import rate_usage
from billing.rating.realtime import Authorization, authorize, debit
from billing.rating.rerate import rerate
from billing.rating.runs import Outcome, RatingSummary, rated_records_for

__all__ = ["Authorization", "Outcome", "RatingSummary", "authorize", "debit", "rate_usage", "rated_records_for",
           "rerate"]
