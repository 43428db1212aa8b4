"""Cached readers of the 3GPP values that repeat across the records of a file.

A switch writes the same recording entity, gateway address and subscriber numbers over and over,
and many records share a second; caching the decoded value by its octets saves most of the work.
The caches are bounded: they are simply emptied when full.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from mediation.asn1 import ber
from mediation.decoders.base import positional

_LIMIT = 65536


class BadTimestamp(ber.BerError):
    code = "bad_timestamp"


class _Memo(dict):
    """Values by the octets they were read from; a miss reads and remembers."""

    def __init__(self, read: Callable[[bytes], Any]):
        super().__init__()
        self.read = read

    def __missing__(self, raw: bytes) -> Any:
        if len(self) >= _LIMIT:
            self.clear()
        value = self[raw] = self.read(raw)
        return value


def cached(read: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    """``read`` with its results remembered by the octets they were read from. A hit is one
    dictionary look-up in C (the memo's own ``__getitem__``), with no Python frame."""
    return _Memo(read).__getitem__


def _timestamp(raw: bytes) -> dt.datetime:
    try:
        return ber.timestamp(raw)
    except ber.BerError as error:
        raise BadTimestamp(str(error)) from None


def _sms_destination(raw: bytes) -> str:
    """SmsTpDestinationNumber: a TS 23.040 TP address (digit count, type of address, digits)."""
    if len(raw) < 2:
        raise ber.BerError("SMS destination number shorter than 2 octets")
    digits = ber.tbcd(raw[2:])[: raw[0]]
    return "+" + digits if (raw[1] >> 4) & 0x07 == 1 else digits


address = cached(ber.address)
tbcd = cached(ber.tbcd)
timestamp = cached(_timestamp)
plmn = cached(ber.plmn)
sms_destination = cached(_sms_destination)


# The constructor the CS and PS mappers call with every field by position, in this order.
record = positional(
    "offset", "record_type", "raw", "natural_key", "served_msisdn", "other_party", "service", "direction",
    "started_at", "answered", "duration_s", "volume_up", "volume_down", "messages", "served_imsi", "roaming",
    "visited_network", "location", "session_key", "sequence", "is_final", "extra")


def home_plmns(options: dict[str, Any]) -> frozenset[str]:
    """The source's home networks (``home_plmn``: "310260" or a list), as MCCMNC strings."""
    value = options.get("home_plmn") or options.get("home_plmns") or ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return frozenset(str(v).replace("-", "") for v in value if isinstance(v, str | int))


def is_roaming(visited: str | None, homes: frozenset[str], imsi: str | None) -> bool:
    """A subscriber is roaming when the network that served it is not home: not one of the
    configured home PLMNs, or, when none are configured, not the prefix of its IMSI."""
    if not visited:
        return False
    if homes:
        return visited not in homes
    return bool(imsi) and not imsi.startswith(visited)  # type: ignore[union-attr]
