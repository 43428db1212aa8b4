"""The first stage of a batch: every decoded item is rejected (with a reason code), filtered (by
rule name) or kept as a normalised ``Usage``, by the per-record rules of ``mediation.rules``.

This is the hot loop of the per-record path: it touches no table, and the rules it applies to
each record are inlined here (attribute and global look-ups hoisted out of the loop) because a
batch holds tens of thousands of records.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, NamedTuple

from mediation.decoders.base import DecodeFailure
from mediation.records import Usage
from mediation.rules import Rules, check, is_internal, other_party, subscriber_e164

# (natural key, decoded item, usage): the item still says whether the record is a partial
Kept = tuple[str | None, Any, Usage]


class Classified(NamedTuple):
    rejects: list[tuple]  # rows for ``mediation_reject`` (file id, offset, code, reason, raw, state, at)
    filtered: Counter  # filter rule name -> records dropped by it
    kept: list[Kept]


def classify(items: list, file_id: int, now: dt.datetime, rules: Rules, region: str) -> Classified:
    """Reject, filter or keep each of a batch's decoded items (``DecodedRecord`` or
    ``DecodeFailure``), in their order."""
    rejects: list[tuple] = []
    filtered: Counter = Counter()
    kept: list[Kept] = []
    test_rule, internal_rule = "test_number" in rules.filters, "internal" in rules.filters
    internal_digits, internal_numbers, new_usage = rules.internal_max_digits, rules.internal_numbers, tuple.__new__
    test_numbers, test_prefixes = rules.test_numbers, rules.test_prefixes
    for item in items:
        if type(item) is DecodeFailure:
            rejects.append((file_id, item.offset, item.reason_code, item.reason, item.raw, "open", now))
            continue
        raw_msisdn = item.served_msisdn
        if not raw_msisdn:
            rejects.append((file_id, item.offset, "missing_subscriber", "no served subscriber number",
                            item.raw, "open", now))
            continue
        if internal_rule and ((raw_msisdn.isdigit() and len(raw_msisdn) <= internal_digits)
                              or raw_msisdn in internal_numbers or is_internal(item.other_party, rules)):
            filtered["internal"] += 1  # extension to extension, service codes: never billed
            continue
        msisdn = subscriber_e164(raw_msisdn, region)
        if msisdn is None:
            rejects.append((file_id, item.offset, "unparseable_number",
                            f"served number {raw_msisdn!r} is not a valid MSISDN", item.raw, "open", now))
            continue
        verdict = check(item, now, rules)
        if verdict is None and test_rule and (msisdn in test_numbers  # is_test_number, inlined
                                              or (test_prefixes and msisdn.startswith(test_prefixes))):
            verdict = "test_number"
        if verdict is not None:
            if type(verdict) is tuple:
                rejects.append((file_id, item.offset, verdict[0], verdict[1], item.raw, "open", now))
            else:
                filtered[verdict] += 1
            continue
        service = item.service
        # tuple.__new__ with every field (parts 1, no split): Usage(...) is a Python frame more
        usage = new_usage(Usage, (item.offset, msisdn, service, item.direction,
                                  other_party(item.other_party, region), item.started_at, item.duration_s or 0,
                                  item.messages if item.messages is not None else (1 if service == "sms" else 0),
                                  item.volume_up or 0, item.volume_down or 0, item.roaming, item.visited_network,
                                  item.location, item.record_type, 1, None))
        kept.append((item.natural_key, item, usage))
    return Classified(rejects, filtered, kept)


class _Complete:
    """Stands in for the decoded item of a columnar record: never part of a partial session."""

    session_key = None


_COMPLETE = _Complete()


def with_ready(kept: list[Kept], ready: list[tuple[str | None, Usage]]) -> list[Kept]:
    """``kept`` joined by the records the column path already classified (natural key, usage),
    in file order: the first occurrence in the file must win the duplicate check."""
    kept.extend((key, _COMPLETE, usage) for key, usage in ready)
    if len(kept) > len(ready):
        kept.sort(key=_offset)
    return kept


def _offset(entry: Kept) -> int:
    return entry[2].offset
