"""TS 32.297 CDR file framing: the file header and the header before each CDR.

File header (big-endian), octets:
  1-4 file length, 5-8 header length, 9 high release/version, 10 low release/version,
  11-14 file opening timestamp, 15-18 last CDR append timestamp, 19-22 number of CDRs,
  23-26 file sequence number, 27 file closure trigger reason, 28-47 node IP address,
  48 lost CDR indicator, 49-50 length of the CDR routing filter, then the filter,
  2 octets length of the private extension, the extension, and one release identifier
  extension octet each for the high and low release when their identifier is 7 (Rel-10+).
CDR header: 1-2 CDR length (excluding this header), 3 release identifier (3 bits) and version
(5 bits), 4 data record format (3 bits: 1 BER) and TS number (5 bits: 6 = TS 32.250 CS,
7 = TS 32.251 PS), 5 release identifier extension when the release identifier is 7.
A release identifier counts 0 = Rel-99, 1 = Rel-4 ... 6 = Rel-9, 7 = Rel-10 + extension.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import struct
from dataclasses import dataclass

FIXED = struct.Struct(">IIBBIIIIB20sBH")  # the first 50 octets, up to the routing filter length
FIXED_SIZE = FIXED.size
CDR_HEADER_MIN = 4
FORMAT_BER = 1
TS_32250 = 6  # CS domain charging (MSC call and SMS records)
TS_32251 = 7  # PS domain charging (SGW/PGW records)
CLOSURE_REASONS = {0: "normal", 1: "size", 2: "time", 3: "count", 4: "manual", 5: "change",
                   128: "undefined", 129: "error", 130: "space", 131: "integrity"}


class FileHeaderError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FileHeader:
    file_length: int
    header_length: int
    high_release: int
    low_release: int
    opened: tuple[int, int, int, int, int]  # month, day, hour, minute, UTC offset in minutes
    last_append: tuple[int, int, int, int, int]
    cdr_count: int
    sequence: int
    closure_reason: int
    node_address: str
    lost_cdrs: int


def _release(identifier: int, extension: int | None) -> int:
    """Release number (99 for Rel-99) from the 3-bit identifier and its extension octet."""
    if identifier == 0:
        return 99
    if identifier == 7:
        return 10 + (extension or 0)
    return identifier + 3


def _identifier(release: int) -> tuple[int, int | None]:
    if release == 99:
        return 0, None
    if release >= 10:
        return 7, release - 10
    return release - 3, None


def unpack_timestamp(value: int) -> tuple[int, int, int, int, int]:
    """(month, day, hour, minute, UTC offset in minutes) of a 4-octet header timestamp."""
    month, day = value >> 28, (value >> 23) & 0x1F
    hour, minute = (value >> 18) & 0x1F, (value >> 12) & 0x3F
    offset = ((value >> 6) & 0x1F) * 60 + (value & 0x3F)
    return month, day, hour, minute, offset if value & 0x800 else -offset


def pack_timestamp(moment: dt.datetime) -> int:
    """The 4-octet header timestamp of an aware datetime (local time plus its UTC offset)."""
    offset = int(moment.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = 0x800 if offset >= 0 else 0
    offset = abs(offset)
    return (moment.month << 28 | moment.day << 23 | moment.hour << 18 | moment.minute << 12
            | sign | (offset // 60) << 6 | offset % 60)


def _address(raw: bytes) -> str:
    # IPv4 sits in the last 4 octets after 16 octets of 0x00 or 0xFF; IPv6 in the last 16.
    if raw[:16] in (b"\x00" * 16, b"\xff" * 16):
        return str(ipaddress.IPv4Address(raw[16:]))
    return str(ipaddress.IPv6Address(raw[4:]))


def parse_file_header(data: bytes) -> FileHeader:
    """Read the file header at the start of ``data``; ``FileHeaderError`` says what is wrong."""
    if len(data) < FIXED_SIZE + 2:
        raise FileHeaderError(f"file of {len(data)} octets is shorter than a TS 32.297 file header")
    (file_length, header_length, high, low, opened, appended, count, sequence, reason, node, lost,
     filter_length) = FIXED.unpack_from(data)
    minimum = FIXED_SIZE + filter_length + 2
    if header_length < minimum or header_length > len(data):
        raise FileHeaderError(f"header length {header_length} is impossible (minimum {minimum}, "
                              f"file has {len(data)} octets)")
    if file_length < header_length:
        raise FileHeaderError(f"file length {file_length} is less than the header length {header_length}")
    opened_at, appended_at = unpack_timestamp(opened), unpack_timestamp(appended)
    for month, day, hour, minute, _ in (opened_at, appended_at):
        if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60):
            raise FileHeaderError("file header timestamp is not a date")
    private_at = FIXED_SIZE + filter_length
    private_length = int.from_bytes(data[private_at:private_at + 2], "big")
    at = private_at + 2 + private_length
    high_ext = low_ext = None
    if high >> 5 == 7:
        high_ext, at = (data[at] if at < header_length else 0), at + 1
    if low >> 5 == 7:
        low_ext = data[at] if at < header_length else 0
    return FileHeader(file_length, header_length, _release(high >> 5, high_ext), _release(low >> 5, low_ext),
                      opened_at, appended_at, count, sequence, reason, _address(node), lost)


def build_file_header(*, file_length: int, cdr_count: int, sequence: int, opened: dt.datetime,
                      last_append: dt.datetime, node_address: str, release: int = 15, version: int = 0,
                      closure_reason: int = 0) -> bytes:
    """The file header of a file whose CDRs, with their headers, follow it; ``file_length``
    counts the whole file including this header (``header_length()`` octets)."""
    identifier, extension = _identifier(release)
    ip = ipaddress.ip_address(node_address)
    node = (b"\xff" * 16 + ip.packed) if ip.version == 4 else b"\xff" * 4 + ip.packed
    rel_ver = identifier << 5 | version
    head = FIXED.pack(file_length, header_length(release), rel_ver, rel_ver, pack_timestamp(opened),
                      pack_timestamp(last_append), cdr_count, sequence, closure_reason, node, 0, 0)
    tail = b"\x00\x00" + (bytes([extension, extension]) if extension is not None else b"")
    return head + tail


def header_length(release: int = 15) -> int:
    """Octets of a file header without routing filter or private extension."""
    return FIXED_SIZE + 2 + (2 if release >= 10 and release != 99 else 0)


def build_cdr_header(length: int, ts_number: int, release: int = 15, version: int = 0,
                     record_format: int = FORMAT_BER) -> bytes:
    identifier, extension = _identifier(release)
    head = struct.pack(">HBB", length, identifier << 5 | version, record_format << 5 | ts_number)
    return head + (bytes([extension]) if extension is not None else b"")
