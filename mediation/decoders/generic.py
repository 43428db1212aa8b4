"""The generic usage formats, for sources with no format of their own.

``generic-csv``: one record per line, these columns in this order (a first line starting with
``record_id`` is a header and skipped)::

    record_id, msisdn, service, direction, other_party, start, duration, messages,
    volume_up, volume_down, roaming, visited_network, location, record_type,
    session_id, sequence, final

``generic-json``: JSON Lines, one object per line with the same names (any may be left out).

- ``record_id`` is unique per source and is the duplicate-check key.
- ``service`` is ``voice``, ``sms`` or ``data``; ``direction`` ``out`` (originated by the
  subscriber) or ``in``; ``start`` is ISO 8601 (a time without offset is UTC).
- ``duration`` in seconds (voice: answered seconds; data: session length), ``messages`` a count,
  ``volume_up``/``volume_down`` in bytes; ``roaming`` is ``1``/``true`` when roaming.
- ``record_type`` defaults to ``generic-<service>``; ``answered`` (JSON only) defaults to true.
- Partial records of one long session share ``session_id``, are ordered by ``sequence`` and the
  last one has ``final`` = ``1``; records without ``session_id`` are complete.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from mediation.decoders.base import DecodedRecord, DecodeFailure
from mediation.decoders.fields import UTC, FieldError, csv_rows, text_lines, to_flag, to_int, to_time

COLUMNS = ("record_id", "msisdn", "service", "direction", "other_party", "start", "duration",
           "messages", "volume_up", "volume_down", "roaming", "visited_network", "location",
           "record_type", "session_id", "sequence", "final")


def _record(number: int, raw: str, get) -> DecodedRecord:
    service = (get("service") or "").strip().lower() or None
    session = get("session_id") or None
    final = get("final")
    return DecodedRecord(
        offset=number,
        record_type=get("record_type") or (f"generic-{service}" if service else "generic"),
        raw=raw,
        natural_key=get("record_id") or None,
        served_msisdn=get("msisdn") or None,
        other_party=get("other_party") or None,
        service=service,
        direction=(get("direction") or "out").strip().lower(),
        started_at=to_time(get("start"), "start", UTC),
        answered=to_flag(get("answered")) if get("answered") not in (None, "") else True,
        duration_s=to_int(get("duration"), "duration"),
        messages=to_int(get("messages"), "messages"),
        volume_up=to_int(get("volume_up"), "volume_up"),
        volume_down=to_int(get("volume_down"), "volume_down"),
        roaming=to_flag(get("roaming")),
        visited_network=get("visited_network") or None,
        location=get("location") or None,
        session_key=session,
        sequence=to_int(get("sequence"), "sequence", default=0) if session else None,
        is_final=to_flag(final) if session and final not in (None, "") else not session,
    )


def _from_row(number: int, raw: str, row: list[str]) -> DecodedRecord:
    """``_record`` for a CSV row, by position: the same reading, without a look-up per field."""
    (record_id, msisdn, service, direction, other, start, duration, messages, up, down, roaming, visited,
     location, record_type, session, sequence, final) = row
    service = service.strip().lower() or None
    session = session or None
    return DecodedRecord(
        offset=number,
        record_type=record_type or (f"generic-{service}" if service else "generic"),
        raw=raw,
        natural_key=record_id or None,
        served_msisdn=msisdn or None,
        other_party=other or None,
        service=service,
        direction=(direction or "out").strip().lower(),
        started_at=to_time(start, "start", UTC),
        duration_s=to_int(duration, "duration"),
        messages=to_int(messages, "messages"),
        volume_up=to_int(up, "volume_up"),
        volume_down=to_int(down, "volume_down"),
        roaming=to_flag(roaming) if roaming else False,
        visited_network=visited or None,
        location=location or None,
        session_key=session,
        sequence=to_int(sequence, "sequence", default=0) if session else None,
        is_final=to_flag(final) if session and final else not session,
    )


def decode_row(number: int, line: str, row: list[str]) -> DecodedRecord | DecodeFailure:
    """One CSV line's record or failure (shared with the column-at-a-time path)."""
    if len(row) != len(COLUMNS):
        return DecodeFailure(number, "bad_field_count", f"{len(row)} fields; expected {len(COLUMNS)}", line)
    try:
        return _from_row(number, line, row)
    except FieldError as error:
        return DecodeFailure(number, error.code, str(error), line)


class GenericCsv:
    name = "generic-csv"

    def decode(self, stream: BinaryIO, options: dict[str, Any]) -> Iterator[DecodedRecord | DecodeFailure]:
        for number, line, row in csv_rows(stream):
            if number == 1 and row and row[0].strip() == "record_id":
                continue
            yield decode_row(number, line, row)

    def file_sequence(self, stream: BinaryIO, file_name: str) -> int | None:
        return None


class GenericJson:
    name = "generic-json"

    def decode(self, stream: BinaryIO, options: dict[str, Any]) -> Iterator[DecodedRecord | DecodeFailure]:
        for number, line in text_lines(stream):
            try:
                body = json.loads(line)
            except ValueError as error:
                yield DecodeFailure(number, "bad_json", f"not JSON: {error}", line)
                continue
            if not isinstance(body, dict):
                yield DecodeFailure(number, "bad_json", "a JSON object per line is expected", line)
                continue

            def get(name: str, body=body) -> str | None:
                value = body.get(name)
                if value is None or isinstance(value, str):
                    return value
                if isinstance(value, bool):
                    return "1" if value else "0"
                return str(value)

            try:
                yield _record(number, line, get)
            except FieldError as error:
                yield DecodeFailure(number, error.code, str(error), line)

    def file_sequence(self, stream: BinaryIO, file_name: str) -> int | None:
        return None


CSV_DECODER = GenericCsv()
JSON_DECODER = GenericJson()
