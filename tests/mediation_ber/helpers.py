"""Hand-assembled TS 32.297 files, written from the specs independently of the production encoder."""
from __future__ import annotations

import io
import struct


def tlv(ident: str, value: str) -> str:
    """Identifier octets (hex) + definite length + contents (hex)."""
    n = len(value) // 2
    length = f"{n:02x}" if n < 0x80 else (f"81{n:02x}" if n < 0x100 else f"82{n:04x}")
    return ident + length + value


def cdr(record_hex: str, ts_number: int, record_format: int = 1) -> bytes:
    """CDR header for Rel-15 (release identifier 7 + extension 5), version 0, then the record."""
    record = bytes.fromhex(record_hex)
    return struct.pack(">HBBB", len(record), 7 << 5, record_format << 5 | ts_number, 5) + record


def file_bytes(cdrs: list[bytes], sequence: int = 1, routing_filter: bytes = b"", private: bytes = b"") -> bytes:
    # header: lengths, high/low release (Rel-15: identifier 7, version 0), two timestamps
    # (Nov 25 10:00 and 10:05, UTC+3), count, sequence, closure reason, node address (IPv4 in the
    # last 4 of 20 octets), lost CDRs, routing filter length 0, private extension length 0,
    # then the two release identifier extensions (15 - 10 = 5).
    header_length = 50 + len(routing_filter) + 2 + len(private) + 2
    opened = 11 << 28 | 25 << 23 | 10 << 18 | 0 << 12 | 1 << 11 | 3 << 6 | 0
    appended = 11 << 28 | 25 << 23 | 10 << 18 | 5 << 12 | 1 << 11 | 3 << 6 | 0
    body = b"".join(cdrs)
    header = struct.pack(">IIBBIIIIB20sBH", header_length + len(body), header_length, 7 << 5, 7 << 5, opened,
                         appended, len(cdrs), sequence, 0, b"\xff" * 16 + bytes([10, 50, 0, 1]), 0,
                         len(routing_filter))
    return header + routing_filter + struct.pack(">H", len(private)) + private + b"\x05\x05" + body


def stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


IMSI = "36090221436587f9"  # 639020123456789
MSISDN = "91527421436587"  # +254712345678
MSC = "91527422001010"  # +254722000101


def mo_call(reference: str = "0a0b0c0d", extra: str = "") -> str:
    """An answered moCallRecord: 180 s from 2026-11-25 14:30:05 +03:00, cell 1a2b/3c4d in 639-02."""
    location = tlv("80", "1a2b") + tlv("81", "3c4d") + tlv("82", "36f920")
    body = (tlv("80", "00") + tlv("81", IMSI) + tlv("83", MSISDN) + tlv("85", "91527433001011")
            + tlv("89", MSC) + tlv("ac", location) + tlv("96", "2611251430002b0300")
            + tlv("97", "2611251430052b0300") + tlv("98", "2611251433052b0300") + tlv("99", "00b4")
            + tlv("9e", "00") + tlv("9f20", reference) + extra)
    return tlv("a0", body)


def pgw_partial() -> str:
    """The second of several pGWRecords of a session (timeLimit), served in 234-15, two
    traffic containers (1000/2000 and 100/200 octets) and one rating group (10)."""
    volumes = (tlv("30", tlv("83", "03e8") + tlv("84", "07d0") + tlv("85", "01") + tlv("86", "2611260030002b0300"))
               + tlv("30", tlv("83", "64") + tlv("84", "00c8") + tlv("85", "02") + tlv("86", "2611260050002b0300")))
    service = tlv("30", tlv("81", "0a") + tlv("8c", "0400") + tlv("8d", "0800") + tlv("8e", "2611260050002b0300")
                  + tlv("91", "03e8"))
    body = (tlv("80", "55") + tlv("83", IMSI) + tlv("a4", tlv("80", "0a140001")) + tlv("85", "499602d2")
            + tlv("a6", tlv("80", "0a1e0001")) + tlv("87", b"internet".hex()) + tlv("ac", volumes)
            + tlv("8d", "2611252350002b0300") + tlv("8e", "0e10") + tlv("8f", "11") + tlv("91", "02")
            + tlv("96", MSISDN) + tlv("97", "0800") + tlv("9b", "32f451") + tlv("9e", "06")
            + tlv("bf22", service) + tlv("bf23", "0a0102") + tlv("9f25", "36f920"))
    return tlv("bf4f", body)


def mt_sms() -> str:
    """An mtSMSRecord delivered 2026-11-25 06:00:00 -05:00 from SMSC +254722000500."""
    body = (tlv("80", "07") + tlv("81", "91527422005000") + tlv("82", IMSI) + tlv("84", MSISDN)
            + tlv("85", "5758a6") + tlv("86", MSC) + tlv("88", "2611250600002d0500"))
    return tlv("a7", body)
