"""Why a usage record could not be rated: the reason codes and the texts kept with each
``rating_error`` row, shared by the batch and real-time paths."""
from __future__ import annotations

from billing.rating import lookup

CURRENCY_MISMATCH = "currency_mismatch"

MESSAGES: dict[str, str] = {
    lookup.UNKNOWN_SUBSCRIBER: "no line had this number at the record's start time",
    lookup.ACCOUNT_CLOSED: "the line's billing account is closed",
    lookup.NO_TARIFF: "the line's plan has no tariff",
    lookup.NO_TARIFF_VERSION: "the plan's tariff has no version valid at the record's start time",
    lookup.UNKNOWN_DESTINATION: "no zone of the tariff matches the destination or visited network",
    lookup.NO_RATE: "the tariff has no rate for this service, zone and time band",
    lookup.INVALID_USAGE: "the record's service, direction, time or quantity is invalid",
    CURRENCY_MISMATCH: "the tariff's currency differs from the account's",
}


def message_for(reason: str) -> str:
    """The text stored with a rating error; an unknown code stands for itself."""
    return MESSAGES.get(reason, reason)
