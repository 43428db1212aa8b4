"""BER (X.690) primitives for TS 32.298 records: a tag walker for decoding, TLV builders for
encoding, and the 3GPP value codecs both sides share (TBCD digits, address strings, the 9-octet
TimeStamp, PLMN identities, GSN addresses).

The walker is written for speed: it returns, for one constructed value, a dict from context tag
number to the (start, end) of each element's contents, and never builds objects for the fields
nobody reads.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
from functools import lru_cache

UTC = dt.UTC
CONTEXT = 0x80
CONSTRUCTED = 0x20


class BerError(ValueError):
    """Malformed BER: a length that overruns its container, a bad tag or a bad value."""


# --- decoding -------------------------------------------------------------------------------

def _header(b: bytes, i: int, end: int) -> tuple[int, int, int, int]:
    """(tag number, contents start, contents end, index of the next TLV) of the TLV at ``i``."""
    t = b[i]
    if t & 0x1F == 0x1F:
        x = b[i + 1]
        i += 2
        tag = x & 0x7F
        while x & 0x80:
            x = b[i]
            i += 1
            tag = tag << 7 | (x & 0x7F)
    else:
        tag = t & 0x1F
        i += 1
    n = b[i]
    i += 1
    if n & 0x80:
        if n == 0x80:
            if not t & CONSTRUCTED:
                raise BerError(f"indefinite length on a primitive element at {i - 2}")
            e = _eoc(b, i, end)
            return tag, i, e, e + 2
        k = n & 0x7F
        if k > 4 or i + k > end:
            raise BerError(f"length of {k} octets at {i - 1}")
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    if i + n > end:
        raise BerError(f"element at {i} of {n} octets overruns its container ending at {end}")
    return tag, i, i + n, i + n


def _eoc(b: bytes, i: int, end: int) -> int:
    """Index of the end-of-contents octets closing an indefinite-length value starting at ``i``."""
    while i + 1 < end:
        if b[i] == 0 and b[i + 1] == 0:
            return i
        i = _header(b, i, end)[3]
    raise BerError("indefinite-length value without end-of-contents")


def fields(b: bytes, i: int, end: int) -> dict[int, tuple[int, int]]:
    """Tag number -> (contents start, contents end) for each element between ``i`` and ``end``.

    The records are SETs of context-tagged elements, so the tag number identifies the field.
    """
    out: dict[int, tuple[int, int]] = {}
    while i < end:
        t = b[i]
        n = b[i + 1]
        if n < 0x80 and t & 0x1F != 0x1F:  # the common case: one identifier and one length octet
            i += 2
            e = i + n
            if e > end:
                raise BerError(f"element [{t & 0x1F}] at {i} of {n} octets overruns its container ending at {end}")
            out[t & 0x1F] = (i, e)
            i = e
            continue
        if n < 0x80 and t & 0x1F == 0x1F and i + 2 < end and b[i + 2] < 0x80:
            # the next most common: tag numbers 31-127 (one more identifier octet), short length
            e = i + 3 + b[i + 2]
            if e > end:
                raise BerError(f"element [{n}] at {i + 3} of {b[i + 2]} octets overruns its container ending at {end}")
            out[n] = (i + 3, e)
            i = e
            continue
        if t & 0x1F == 0x1F:
            x = b[i + 1]
            i += 2
            tag = x & 0x7F
            while x & 0x80:
                x = b[i]
                i += 1
                tag = tag << 7 | (x & 0x7F)
        else:
            tag = t & 0x1F
            i += 1
        n = b[i]
        i += 1
        if n & 0x80:
            if n == 0x80:
                if not t & CONSTRUCTED:
                    raise BerError(f"indefinite length on a primitive element at {i - 2}")
                e = _eoc(b, i, end)
                out[tag] = (i, e)
                i = e + 2
                continue
            k = n & 0x7F
            if k > 4 or i + k > end:
                raise BerError(f"length of {k} octets at {i - 1}")
            n = int.from_bytes(b[i:i + k], "big")
            i += k
        e = i + n
        if e > end:
            raise BerError(f"element [{tag}] at {i} of {n} octets overruns its container ending at {end}")
        out[tag] = (i, e)
        i = e
    return out


def elements(b: bytes, i: int, end: int) -> list[tuple[int, int, int]]:
    """(tag number, start, end) of each element of a SEQUENCE OF / SET OF, in order."""
    out = []
    while i < end:
        tag, start, stop, i = _header(b, i, end)
        out.append((tag, start, stop))
    return out


def outer(b: bytes) -> tuple[int, int, int]:
    """(tag number, contents start, contents end) of the TLV that starts ``b``; it must fill it."""
    tag, start, stop, after = _header(b, 0, len(b))
    if after != len(b):
        raise BerError(f"{len(b) - after} octets after the record's end")
    return tag, start, stop


_DIGITS = "0123456789*#abc"
# octet -> its two TBCD digits, low nibble first; a 0xF high nibble is the filler of an odd count
_TBCD = [(_DIGITS[x & 15] if x & 15 < 15 else "") + (_DIGITS[x >> 4] if x >> 4 < 15 else "")
         for x in range(256)]


def tbcd(b: bytes) -> str:
    return "".join([_TBCD[x] for x in b])


def address(b: bytes) -> str:
    """AddressString / BCDDirectoryNumber: TON/NPI octet (and an optional presentation octet
    3a when its extension bit is clear), then TBCD digits; international numbers get a ``+``."""
    if not b:
        return ""
    first = b[0]
    digits = tbcd(b[1:] if first & 0x80 else b[2:])
    return "+" + digits if (first >> 4) & 0x07 == 1 else digits


def integer(b: bytes) -> int:
    return int.from_bytes(b, "big", signed=True)


_BCD = [(x >> 4) * 10 + (x & 15) if x >> 4 < 10 and x & 15 < 10 else 255 for x in range(256)]
_OFFSETS: dict[bytes, dt.timedelta] = {}


def _offset(b: bytes) -> dt.timedelta:
    """The UTC offset of a TimeStamp's last 3 octets (sign, hh, mm), to subtract from local time."""
    offset = _OFFSETS.get(b)
    if offset is None:
        sign, hours, minutes = b[0], _BCD[b[1]], _BCD[b[2]]
        if sign not in (0x2B, 0x2D) or hours > 14 or minutes > 59:
            raise BerError(f"TimeStamp UTC offset {b.hex()} is not [+-]hhmm")
        offset = dt.timedelta(hours=hours, minutes=minutes) * (1 if sign == 0x2B else -1)
        _OFFSETS[b] = offset
    return offset


def timestamp(b: bytes) -> dt.datetime:
    """TS 32.298 TimeStamp: YYMMDDhhmmss in BCD, the sign in ASCII and the UTC offset hhmm in
    BCD; the digits are local time, so UTC is local time minus the offset."""
    if len(b) != 9:
        raise BerError(f"TimeStamp of {len(b)} octets; expected 9")
    bcd = _BCD
    year = bcd[b[0]]
    if year > 99:
        raise BerError(f"TimeStamp {b.hex()} has no decimal year")
    try:
        local = dt.datetime(2000 + year, bcd[b[1]], bcd[b[2]], bcd[b[3]], bcd[b[4]], bcd[b[5]], tzinfo=UTC)
    except ValueError as error:  # a non-decimal nibble reads as 255, out of every range
        raise BerError(f"TimeStamp {b.hex()} is not a time: {error}") from None
    return local - _offset(b[6:])


def plmn(b: bytes) -> str:
    """PLMN-Id / MCC-MNC (3 octets, TS 24.008 order) as ``MCCMNC`` digits, e.g. ``310260``."""
    if len(b) != 3:
        raise BerError(f"PLMN identity of {len(b)} octets; expected 3")
    mcc = f"{b[0] & 15}{b[0] >> 4}{b[1] & 15}"
    mnc3 = b[1] >> 4
    mnc = f"{b[2] & 15}{b[2] >> 4}" + ("" if mnc3 == 15 else str(mnc3))
    return mcc + mnc


def gsn_address(b: bytes, start: int, end: int) -> str:
    """GSNAddress (a CHOICE, so explicitly tagged): [0] IPv4, [1] IPv6, [2]/[3] text."""
    tag, s, e, _ = _header(b, start, end)
    raw = b[s:e]
    if tag == 0 and len(raw) == 4:
        return f"{raw[0]}.{raw[1]}.{raw[2]}.{raw[3]}"
    if tag == 1 and len(raw) == 16:
        return str(ipaddress.IPv6Address(raw))
    if tag in (2, 3):
        return raw.decode("ascii")
    raise BerError(f"GSNAddress alternative [{tag}] of {len(raw)} octets")


# --- encoding -------------------------------------------------------------------------------

def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes, *, constructed: bool = False, cls: int = CONTEXT) -> bytes:
    """One element: identifier octets (context class unless told), definite length, contents."""
    first = cls | (CONSTRUCTED if constructed else 0)
    if tag < 31 and len(value) < 0x80:
        return bytes((first | tag, len(value))) + value
    if tag < 31:
        ident = bytes([first | tag])
    else:
        groups = []
        while True:
            groups.append(tag & 0x7F)
            tag >>= 7
            if not tag:
                break
        groups.reverse()
        ident = bytes([first | 0x1F, *[g | 0x80 for g in groups[:-1]], groups[-1]])
    return ident + _length(len(value)) + value


def encode_integer(value: int) -> bytes:
    return value.to_bytes(max(1, (value + (value < 0)).bit_length() // 8 + 1), "big", signed=True)


@lru_cache(maxsize=65536)
def encode_tbcd(digits: str) -> bytes:
    nibbles = [_DIGITS.index(d) for d in digits]
    if len(nibbles) % 2:
        nibbles.append(15)
    return bytes(nibbles[i] | nibbles[i + 1] << 4 for i in range(0, len(nibbles), 2))


@lru_cache(maxsize=65536)
def encode_address(number: str, *, npi: int = 1) -> bytes:
    """AddressString of ``+digits`` (international) or plain digits (unknown type of number)."""
    ton = 1 if number.startswith("+") else 0
    return bytes([0x80 | ton << 4 | npi]) + encode_tbcd(number.lstrip("+"))


def encode_timestamp(moment: dt.datetime) -> bytes:
    """The 9-octet TimeStamp of an aware datetime, in its own local time and offset."""
    offset = int(moment.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    digits = moment.strftime("%y%m%d%H%M%S")
    sign = b"+" if offset >= 0 else b"-"
    offset = abs(offset)
    return bytes.fromhex(digits) + sign + bytes.fromhex(f"{offset // 60:02d}{offset % 60:02d}")


def encode_plmn(mccmnc: str) -> bytes:
    mcc, mnc = mccmnc[:3], mccmnc[3:]
    mnc3 = int(mnc[2]) if len(mnc) == 3 else 15
    return bytes([int(mcc[1]) << 4 | int(mcc[0]), mnc3 << 4 | int(mcc[2]), int(mnc[1]) << 4 | int(mnc[0])])


def encode_gsn_address(ip: str) -> bytes:
    """The contents of a GSNAddress field (the CHOICE alternative inside the field's tag)."""
    packed = ipaddress.ip_address(ip).packed
    return tlv(0 if len(packed) == 4 else 1, packed)
