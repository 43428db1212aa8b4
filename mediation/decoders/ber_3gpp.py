"""3GPP TS 32.297 CDR files of TS 32.298 BER records (format ``3gpp-ber``).

A file is a file header followed by CDRs, each behind its own CDR header that gives its length,
so a record that cannot be decoded is rejected alone (``DecodeFailure`` with its offset and a
reason code) and decoding goes on with the next. A file whose header is unusable raises
``UnreadableFile``. Records decoded: CS ``moCallRecord``, ``mtCallRecord``, ``moSMSRecord``,
``mtSMSRecord`` (TS 32.250) and PS ``pGWRecord``, ``sGWRecord`` (TS 32.251); other CS/PS record
types come out with their ASN.1 name as ``record_type`` and no usage, for the filter to drop.

``offset`` is the byte offset of the BER record in the file (just after its CDR header) and
``raw`` the record's octets in hex, so ``decode_raw(raw, options)`` decodes it again (recycling).
Source options: ``home_plmn`` (MCCMNC or a list) decides roaming; without it a PGW record is
roaming when the serving PLMN differs from the PGW's, and any record when the serving PLMN is
not the prefix of the subscriber's IMSI.

Reason codes: ``truncated_record`` (the CDR header promises more octets than the file holds),
``unsupported_encoding`` (PER/XER records), ``asn1_decode_error`` (malformed BER),
``missing_field``, ``bad_timestamp``, ``unknown_record_type``.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from mediation.asn1 import ber, ts32297
from mediation.asn1.ts32298 import CS_RECORDS, GPRS_RECORDS, MO_CALL, MO_SMS, MT_CALL, MT_SMS, PGW, SGW
from mediation.decoders import ber_cs, ber_ps
from mediation.decoders.base import DecodedRecord, DecodeFailure, UnreadableFile
from mediation.decoders.ber_values import home_plmns

_FORMATS = {1: "BER", 2: "unaligned PER", 3: "aligned PER", 4: "XER"}
_GATEWAY_MANDATORY = {4: "GWAddress", 5: "chargingID", 13: "recordOpeningTime", 14: "duration",
                      15: "causeForRecClosing"}
_MANDATORY = {  # the fields a record cannot be rated without, by record choice and field tag
    MO_CALL: {9: "recordingEntity", 32: "callReference", 25: "callDuration", 30: "causeForTerm"},
    MT_CALL: {6: "recordingEntity", 29: "callReference", 22: "callDuration", 27: "causeForTerm"},
    MO_SMS: {6: "recordingEntity", 9: "originationTime", 8: "messageReference"},
    MT_SMS: {6: "recordingEntity", 8: "deliveryTime"},
    PGW: _GATEWAY_MANDATORY, SGW: _GATEWAY_MANDATORY,
}


def decode_record(record: bytes, offset: int = 0, *, ts_number: int | None = None,
                  homes: frozenset[str] = frozenset()) -> DecodedRecord | DecodeFailure:
    """Decode one BER CallEventRecord (without its CDR header). ``ts_number`` from the CDR
    header picks the CS (6) or PS (7) choice; without it the record's tag decides."""
    raw = record.hex()
    try:
        tag, start, end = ber.outer(record)
        f = ber.fields(record, start, end)
        if ts_number != 7 and tag in (MO_CALL, MT_CALL):
            return ber_cs.call(record, f, offset, raw, tag == MO_CALL, homes)
        if ts_number != 7 and tag in (MO_SMS, MT_SMS):
            return ber_cs.sms(record, f, offset, raw, tag == MO_SMS, homes)
        if ts_number != 6 and tag in (PGW, SGW):
            return ber_ps.gateway(record, f, offset, raw, tag, homes)
        names = GPRS_RECORDS if ts_number == 7 else CS_RECORDS if ts_number == 6 else {**CS_RECORDS, **GPRS_RECORDS}
        if tag in names:
            return DecodedRecord(offset=offset, record_type=names[tag], raw=raw, answered=False)
        return DecodeFailure(offset, "unknown_record_type", f"no CallEventRecord alternative [{tag}]", raw)
    except KeyError as missing:  # the mappers index mandatory fields directly: f[tag]
        name = _MANDATORY.get(tag, {}).get(missing.args[0], "?")
        return DecodeFailure(offset, "missing_field", f"mandatory field {name} [{missing.args[0]}] is missing", raw)
    except ber.BerError as error:
        return DecodeFailure(offset, getattr(error, "code", "asn1_decode_error"), str(error), raw)
    except (IndexError, ValueError, UnicodeDecodeError, RecursionError) as error:
        # an octet read past the record's end, a value of the wrong shape, absurd nesting
        return DecodeFailure(offset, "asn1_decode_error", f"malformed record: {error}", raw)


class Ber3gpp:
    name = "3gpp-ber"

    def decode(self, stream: BinaryIO, options: dict[str, Any]) -> Iterator[DecodedRecord | DecodeFailure]:
        data = _read(stream)
        header = _header(data)
        homes = home_plmns(options or {})
        size = len(data)
        at = header.header_length
        while at < size:
            if at + ts32297.CDR_HEADER_MIN > size:
                yield DecodeFailure(at, "truncated_record", f"{size - at} stray octets after the last CDR",
                                    data[at:].hex())
                return
            length = data[at] << 8 | data[at + 1]
            release_version, format_ts = data[at + 2], data[at + 3]
            start = at + (5 if release_version >> 5 == 7 else 4)
            end = start + length
            if end > size:
                yield DecodeFailure(start, "truncated_record",
                                    f"CDR of {length} octets at {start} runs past the end of the file ({size})",
                                    data[start:].hex())
                return
            record_format = format_ts >> 5
            if record_format != ts32297.FORMAT_BER:
                yield DecodeFailure(start, "unsupported_encoding",
                                    f"{_FORMATS.get(record_format, record_format)} record; only BER is read",
                                    data[start:end].hex())
            else:
                yield decode_record(data[start:end], start, ts_number=format_ts & 0x1F, homes=homes)
            at = end

    def decode_raw(self, raw: str, options: dict[str, Any]) -> DecodedRecord | DecodeFailure:
        """Decode one record from the hex kept in ``raw`` (a reject being recycled, maybe corrected)."""
        try:
            record = bytes.fromhex(raw.strip())
        except ValueError:
            return DecodeFailure(0, "bad_hex", "the record is not hexadecimal octets", raw)
        return decode_record(record, 0, homes=home_plmns(options or {}))

    def file_sequence(self, stream: BinaryIO, file_name: str) -> int | None:
        """The file header's file sequence number."""
        stream.seek(0)
        head = stream.read(8)
        # octets 5-8 give the header's length (a routing filter or private extension can make it long)
        wanted = max(int.from_bytes(head[4:8], "big"), 64) if len(head) == 8 else 64
        stream.seek(0)
        head = stream.read(min(wanted, 1 << 20))
        stream.seek(0)
        return _header(head).sequence


def _read(stream: BinaryIO) -> bytes:
    try:
        stream.seek(0)
        return stream.read()
    except OSError as error:
        raise UnreadableFile(f"cannot read: {error}") from error


def _header(data: bytes) -> ts32297.FileHeader:
    try:
        return ts32297.parse_file_header(data)
    except (ts32297.FileHeaderError, ValueError) as error:
        raise UnreadableFile(f"not a TS 32.297 CDR file: {error}") from None


DECODER = Ber3gpp()
