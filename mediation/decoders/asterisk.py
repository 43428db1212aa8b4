"""Asterisk ``cdr_csv`` (``Master.csv``).

Columns, in Asterisk's order: accountcode, src, dst, dcontext, clid, channel, dstchannel,
lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags; then, when
``loguniqueid``/``loguserfield``/``newcdrcolumns`` are on, uniqueid, userfield, peeraccount,
linkedid, sequence. The layout is taken from the field count (16, 17, 18 or 21) unless the
source sets ``columns``. Times are local to the PBX unless ``usegmtime`` was on: the source's
``timezone`` option says which (default UTC).

The served subscriber is ``src`` (an outgoing call) unless ``dcontext`` is one of the
``inbound_contexts`` (default ``from-trunk``, ``from-pstn``, ``inbound``): then it is ``dst``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from mediation.decoders.base import DecodedRecord, DecodeFailure
from mediation.decoders.fields import FieldError, csv_rows, to_int, to_time, zone

STANDARD = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
            "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags")
LAYOUTS = {
    16: STANDARD,
    17: (*STANDARD, "uniqueid"),
    18: (*STANDARD, "uniqueid", "userfield"),
    21: (*STANDARD, "uniqueid", "userfield", "peeraccount", "linkedid", "sequence"),
}
INBOUND_CONTEXTS = ("from-trunk", "from-pstn", "inbound")


class _Layout:
    """Column positions of one layout, looked up once per file rather than once per field."""

    def __init__(self, columns: tuple[str, ...]):
        index = {name: i for i, name in enumerate(columns)}
        self.width = len(columns)
        (self.src, self.dst, self.dcontext, self.channel, self.start, self.billsec, self.disposition,
         self.accountcode, self.uniqueid, self.linkedid, self.sequence) = (
            index.get(name) for name in ("src", "dst", "dcontext", "channel", "start", "billsec", "disposition",
                                         "accountcode", "uniqueid", "linkedid", "sequence"))


class AsteriskCsv:
    name = "asterisk-csv"

    def decode(self, stream: BinaryIO, options: dict[str, Any]) -> Iterator[DecodedRecord | DecodeFailure]:
        decode_row = self.row_decoder(options)
        for number, line, row in csv_rows(stream):
            yield decode_row(number, line, row)

    def row_decoder(self, options: dict[str, Any]) -> Callable[[int, str, list[str]], DecodedRecord | DecodeFailure]:
        """What ``decode`` does with one parsed line (shared with the column-at-a-time path)."""
        tz = zone(options.get("timezone", "UTC"))
        fixed = _Layout(tuple(options["columns"])) if options.get("columns") else None
        layouts = {width: _Layout(columns) for width, columns in LAYOUTS.items()}
        inbound = frozenset(options.get("inbound_contexts", INBOUND_CONTEXTS))
        record = self._record

        def decode_row(number: int, line: str, row: list[str]) -> DecodedRecord | DecodeFailure:
            layout = fixed or layouts.get(len(row))
            if layout is None or len(row) != layout.width:
                expected = fixed.width if fixed else " or ".join(map(str, LAYOUTS))
                return DecodeFailure(number, "bad_field_count", f"{len(row)} fields; expected {expected}", line)
            try:
                return record(number, line, row, layout, tz, inbound)
            except FieldError as error:
                return DecodeFailure(number, error.code, str(error), line)

        return decode_row

    @staticmethod
    def _record(number: int, line: str, row: list[str], at: _Layout, tz, inbound) -> DecodedRecord:
        src = row[at.src] if at.src is not None else None
        dst = row[at.dst] if at.dst is not None else None
        incoming = at.dcontext is not None and row[at.dcontext] in inbound
        uniqueid = row[at.uniqueid] if at.uniqueid is not None else None
        linkedid = row[at.linkedid] if at.linkedid is not None else None
        sequence = row[at.sequence] if at.sequence is not None else None
        start = row[at.start] if at.start is not None else None
        if linkedid or (uniqueid and sequence):
            key = f"{linkedid or ''}/{uniqueid}/{sequence or ''}"
        elif uniqueid:
            key = uniqueid
        else:
            key = f"{row[at.channel] if at.channel is not None else ''}/{start}/{src}/{dst}"
        disposition = row[at.disposition].upper() if at.disposition is not None else ""
        return DecodedRecord(
            offset=number,
            record_type="asterisk-cdr",
            raw=line,
            natural_key=key,
            served_msisdn=dst if incoming else src,
            other_party=src if incoming else dst,
            service="voice",
            direction="in" if incoming else "out",
            started_at=to_time(start, "start", tz),
            answered=disposition == "ANSWERED",
            duration_s=to_int(row[at.billsec], "billsec", default=0) if at.billsec is not None else 0,
            extra={"disposition": disposition,
                   "accountcode": (row[at.accountcode] or None) if at.accountcode is not None else None},
        )

    def file_sequence(self, stream: BinaryIO, file_name: str) -> int | None:
        return None


DECODER = AsteriskCsv()
