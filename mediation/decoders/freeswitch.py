"""FreeSWITCH ``mod_cdr_csv``: columns come from a template of ``${variable}`` fields.

The default is the module's own "example" template (``TEMPLATE`` below); a source may give
its own in the ``template`` option. With ``legs="ab"`` FreeSWITCH writes B-legs too: a record
whose ``uuid`` is another record's ``bleg_uuid`` is that call's B-leg, typed
``freeswitch-bleg`` (not billable by default) and linked to its A-leg in ``extra``.
The served subscriber is ``caller_id_number`` unless ``context`` is one of the
``inbound_contexts`` (default ``public``, where calls from gateways land): then it is
``destination_number``. Times are local to the switch: the ``timezone`` option (default UTC).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from mediation.decoders.base import DecodedRecord, DecodeFailure
from mediation.decoders.fields import FieldError, csv_rows, to_int, to_time, zone

TEMPLATE = ('"${caller_id_name}","${caller_id_number}","${destination_number}","${context}",'
            '"${start_stamp}","${answer_stamp}","${end_stamp}","${duration}","${billsec}",'
            '"${hangup_cause}","${uuid}","${bleg_uuid}","${accountcode}","${read_codec}",'
            '"${write_codec}"')
INBOUND_CONTEXTS = ("public",)
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def template_columns(template: str) -> tuple[str, ...]:
    columns = tuple(_VARIABLE.findall(template))
    if not columns:
        raise ValueError("the template names no ${variable}")
    return columns


class FreeswitchCsv:
    name = "freeswitch-csv"

    def decode(self, stream: BinaryIO, options: dict[str, Any]) -> Iterator[DecodedRecord | DecodeFailure]:
        columns = template_columns(options.get("template") or TEMPLATE)
        index = {name: i for i, name in enumerate(columns)}
        tz = zone(options.get("timezone", "UTC"))
        inbound = frozenset(options.get("inbound_contexts", INBOUND_CONTEXTS))
        b_legs = self._b_legs(stream, index) if stream.seekable() else {}
        stream.seek(0)
        for number, line, row in csv_rows(stream):
            if len(row) != len(columns):
                yield DecodeFailure(number, "bad_field_count",
                                    f"{len(row)} fields; the template has {len(columns)}", line)
                continue
            try:
                yield self._record(number, line, row, index, tz, inbound, b_legs)
            except FieldError as error:
                yield DecodeFailure(number, error.code, str(error), line)

    @staticmethod
    def _b_legs(stream: BinaryIO, index: dict[str, int]) -> dict[str, str]:
        """B-leg uuid -> A-leg uuid, from a first pass over the file."""
        a, b = index.get("uuid"), index.get("bleg_uuid")
        if a is None or b is None:
            return {}
        found = {}
        for _number, _line, row in csv_rows(stream):
            if len(row) == len(index) and row[b]:
                found[row[b]] = row[a]
        return found

    @staticmethod
    def _record(number, line, row, index, tz, inbound, b_legs) -> DecodedRecord:
        def get(name: str) -> str | None:
            i = index.get(name)
            return row[i] if i is not None else None

        uuid = get("uuid")
        incoming = get("context") in inbound
        caller, called = get("caller_id_number"), get("destination_number")
        a_leg = b_legs.get(uuid) if uuid else None
        billsec = to_int(get("billsec"), "billsec", default=0)
        answered = bool(get("answer_stamp")) or (to_int(get("answer_epoch"), "answer_epoch") or 0) > 0 or billsec > 0
        start = get("start_stamp") or get("start_epoch")  # templates log either
        return DecodedRecord(
            offset=number,
            record_type="freeswitch-bleg" if a_leg else "freeswitch-cdr",
            raw=line,
            natural_key=uuid or f"{caller}/{called}/{get('start_stamp')}",
            served_msisdn=called if incoming else caller,
            other_party=caller if incoming else called,
            service="voice",
            direction="in" if incoming else "out",
            started_at=to_time(start, "start_stamp", tz),
            answered=answered,
            duration_s=billsec,
            extra={"hangup_cause": get("hangup_cause"), "bleg_uuid": get("bleg_uuid") or None,
                   "a_leg_uuid": a_leg},
        )

    def file_sequence(self, stream: BinaryIO, file_name: str) -> int | None:
        return None


DECODER = FreeswitchCsv()
