"""The decoder contract every format module follows.

A decoder reads one file and yields, in file order, either a ``DecodedRecord`` or a
``DecodeFailure`` for each record it finds: a record that cannot be decoded is rejected on its
own (with its offset and reason) and decoding goes on. A file that cannot be read at all
raises ``UnreadableFile`` and is quarantined whole.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any, BinaryIO, Protocol


class UnreadableFile(Exception):
    """The whole file is unusable (bad header, wrong format, truncated container)."""


@dataclass(slots=True)
class DecodedRecord:
    """One usage record as the network element described it, mapped to common fields.

    ``offset`` locates the record in its file (byte offset for binary formats, line number for
    text formats). ``natural_key`` is what makes the record unique across files for duplicate
    detection (e.g. PGW address + chargingID + recordSequenceNumber). ``session_key`` groups the
    partial records of one long call or data session for aggregation; ``sequence`` orders them
    and ``is_final`` says the session closed with this record.
    """

    offset: int
    record_type: str
    raw: str  # the record as received (text, or hex for binary), kept for rejects and audit
    natural_key: str | None = None
    served_msisdn: str | None = None  # as received; validation normalises it
    other_party: str | None = None
    service: str | None = None  # voice | sms | data
    direction: str | None = None  # out | in
    started_at: dt.datetime | None = None
    answered: bool = True
    duration_s: int | None = None
    volume_up: int | None = None
    volume_down: int | None = None
    messages: int | None = None
    served_imsi: str | None = None
    roaming: bool = False
    visited_network: str | None = None
    location: str | None = None
    session_key: str | None = None
    sequence: int | None = None
    is_final: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


# DecodedRecord's fields in order, the order of its positional constructor. Decoders build
# records by keyword; a hot path that passes every value by position gets the constructor from
# ``positional``, which checks the order that path writes in against this one.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(DecodedRecord))


def positional(*names: str) -> type[DecodedRecord]:
    """``DecodedRecord`` for a caller that passes all its fields by position (some three times
    faster than by keyword, which counts on a hot path). ``names`` are the fields in the order
    the caller writes its values: anything but exactly ``FIELDS`` raises at import time, so a
    field added to, removed from or moved in ``DecodedRecord`` cannot silently shift the
    caller's values into the wrong fields."""
    if names != FIELDS:
        missing, unknown = set(FIELDS) - set(names), set(names) - set(FIELDS)
        raise TypeError(f"positional DecodedRecord fields out of step: missing {sorted(missing)}, "
                        f"unknown {sorted(unknown)}; the order must be {', '.join(FIELDS)}")
    return DecodedRecord


@dataclass(frozen=True, slots=True)
class DecodeFailure:
    offset: int
    reason_code: str  # stable code, e.g. "bad_field_count", "asn1_decode_error"
    reason: str  # for people
    raw: str


class Decoder(Protocol):
    """A file format. ``options`` come from the source configuration (column layout, template)."""

    name: str

    def decode(self, stream: BinaryIO, options: dict[str, Any]) -> Iterator[DecodedRecord | DecodeFailure]: ...

    def file_sequence(self, stream: BinaryIO, file_name: str) -> int | None:
        """The file sequence number when the format carries one (3GPP file header), else None."""
        ...

    # Optional: ``decode_raw(raw: str, options) -> DecodedRecord | DecodeFailure`` decodes one
    # record from its ``raw`` text alone (binary formats: the hex kept in ``raw``), which is how
    # ``flask mediation rejects recycle`` sends a corrected record through the pipeline again.
    # Without it the raw text is decoded as a one-record file (right for the line formats).
