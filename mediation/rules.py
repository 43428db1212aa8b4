"""Validation and filtering rules, read once per source from its options.

Validation rejects a record with a reason code; filtering drops a valid record that is not
billable and counts it per rule. Options (all optional, in the source's ``options``):

- ``max_duration_s`` (default 86400), ``max_volume`` bytes (10**12), ``max_messages`` (1000):
  larger values are absurd and rejected.
- ``max_age_days`` (default 60, also the duplicate-check retention) and ``max_future_minutes``
  (default 60): timestamps outside are out of range.
- ``record_types``: record types accepted besides the built-in ones.
- ``filters``: ``{"unanswered": true, "zero_volume": true, "test_number": true,
  "internal": true, "non_billable_type": true}``, each on by default.
- ``test_numbers`` (E.164 numbers or prefixes ending in ``*``), ``internal_numbers`` (as
  dialled), ``internal_max_digits`` (default 4: extensions and service codes),
  ``non_billable_types`` (default ``["freeswitch-bleg"]``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers

from billing.usage import DIRECTIONS, SERVICES
from core.errors import ValidationError
from core.msisdn import normalise

KNOWN_TYPES = frozenset({
    "asterisk-cdr", "freeswitch-cdr", "freeswitch-bleg",
    "moCallRecord", "mtCallRecord", "moSMSRecord", "mtSMSRecord", "pGWRecord", "sGWRecord",
})
FILTER_RULES = ("unanswered", "zero_volume", "test_number", "internal", "non_billable_type")


@dataclass(frozen=True)
class Rules:
    region: str
    max_duration_s: int = 86400
    max_volume: int = 10**12
    max_messages: int = 1000
    max_age: dt.timedelta = dt.timedelta(days=60)
    max_future: dt.timedelta = dt.timedelta(minutes=60)
    record_types: frozenset[str] = KNOWN_TYPES
    filters: frozenset[str] = frozenset(FILTER_RULES)
    test_numbers: frozenset[str] = frozenset()
    test_prefixes: tuple[str, ...] = ()
    internal_numbers: frozenset[str] = frozenset()
    internal_max_digits: int = 4
    non_billable_types: frozenset[str] = frozenset({"freeswitch-bleg"})

    @classmethod
    def from_options(cls, options: dict[str, Any], region: str) -> Rules:
        switches = {**dict.fromkeys(FILTER_RULES, True), **(options.get("filters") or {})}
        tests = [str(n) for n in options.get("test_numbers", ())]
        return cls(
            region=region,
            max_duration_s=int(options.get("max_duration_s", 86400)),
            max_volume=int(options.get("max_volume", 10**12)),
            max_messages=int(options.get("max_messages", 1000)),
            max_age=dt.timedelta(days=float(options.get("max_age_days", 60))),
            max_future=dt.timedelta(minutes=float(options.get("max_future_minutes", 60))),
            record_types=KNOWN_TYPES | frozenset(options.get("record_types", ())),
            filters=frozenset(name for name, on in switches.items() if on),
            test_numbers=frozenset(n for n in tests if not n.endswith("*")),
            test_prefixes=tuple(n[:-1] for n in tests if n.endswith("*")),
            internal_numbers=frozenset(str(n) for n in options.get("internal_numbers", ())),
            internal_max_digits=int(options.get("internal_max_digits", 4)),
            non_billable_types=frozenset(options.get("non_billable_types", ("freeswitch-bleg",))),
        )


@lru_cache(maxsize=200_000)
def subscriber_e164(raw: str, region: str) -> str | None:
    """The served MSISDN in E.164, or None when it does not parse (cached: a network serves a
    bounded population, so most lookups hit)."""
    try:
        return normalise(raw, region)
    except ValidationError:
        return None


@lru_cache(maxsize=64)
def country_code(region: str) -> str:
    """The calling code of a region (``"254"`` for ``KE``), "" for an unknown region: what a
    national number's leading 0 stands for in E.164."""
    return str(phonenumbers.country_code_for_region(region) or "")


def other_party(raw: str | None, region: str) -> str | None:
    """The other party in E.164 when its form says so, else the digits as received.

    Deliberately lighter than full validation: other parties are unbounded (every number
    anyone calls), so a phonenumbers parse per record would dominate the pipeline.
    """
    if not raw:
        return None
    text = raw.strip()
    if text.startswith("+") and text[1:].isdigit():
        return text
    if not text.isdigit():
        return text[:32]
    if text.startswith("00"):
        return "+" + text[2:]
    if text.startswith("0") and len(text) > 8:
        return "+" + country_code(region) + text[1:]
    if len(text) >= 11:
        return "+" + text
    return text


def check(record, now: dt.datetime, rules: Rules) -> tuple[str, str] | str | None:
    """``(reason_code, reason)`` to reject, a filter rule name to drop, or None to keep.

    The served MSISDN is checked by the caller (it needs the E.164 value anyway).
    """
    if record.record_type not in rules.record_types and not record.record_type.startswith("generic"):
        return "unknown_record_type", f"record type {record.record_type!r} is not known"
    service = record.service
    if service not in SERVICES:
        return "unknown_record_type", f"service {service!r} is not voice, sms or data"
    if record.direction not in DIRECTIONS:
        return "bad_direction", f"direction {record.direction!r} is not out or in"
    started = record.started_at
    if started is None:
        return "missing_timestamp", "the record has no start time"
    if started > now + rules.max_future or started < now - rules.max_age:
        return "timestamp_out_of_range", f"start {started.isoformat()} is outside the accepted window"
    # The four amounts in this order, each unrolled (no tuple of tuples built per record).
    value = record.duration_s
    if value is not None and (value < 0 or value > rules.max_duration_s):
        return _amount("duration", value, rules.max_duration_s)
    value = record.volume_up
    if value is not None and (value < 0 or value > rules.max_volume):
        return _amount("volume_up", value, rules.max_volume)
    value = record.volume_down
    if value is not None and (value < 0 or value > rules.max_volume):
        return _amount("volume_down", value, rules.max_volume)
    value = record.messages
    if value is not None and (value < 0 or value > rules.max_messages):
        return _amount("messages", value, rules.max_messages)
    if record.record_type in rules.non_billable_types and "non_billable_type" in rules.filters:
        return "non_billable_type"
    if service == "voice":
        if not record.answered and "unanswered" in rules.filters:
            return "unanswered"
        if not record.duration_s and "zero_volume" in rules.filters and record.is_final and not record.session_key:
            return "zero_volume"
    elif (service == "data" and not (record.volume_up or record.volume_down) and "zero_volume" in rules.filters
          and not record.session_key):
        return "zero_volume"
    return None


def _amount(name: str, value: int, limit: int) -> tuple[str, str]:
    if value < 0:
        return f"negative_{name}", f"{name} is negative: {value}"
    return f"absurd_{name}", f"{name} {value} is above the limit {limit}"


def is_test_number(msisdn: str, rules: Rules) -> bool:
    return msisdn in rules.test_numbers or (bool(rules.test_prefixes) and msisdn.startswith(rules.test_prefixes))


def is_internal(dialled: str | None, rules: Rules) -> bool:
    if not dialled:
        return False
    return dialled in rules.internal_numbers or (dialled.isdigit() and len(dialled) <= rules.internal_max_digits)
