"""SMS text to SMPP segments: GSM 03.38 7-bit where every character allows it, else UCS-2.

A single message holds 160 GSM-7 characters or 70 UCS-2 ones; a longer text is cut into
parts that each carry a concatenation header (UDH ``05 00 03 ref total seq``), leaving 153
GSM-7 septets or 67 UCS-2 characters per part. Cuts never split a GSM escape pair or a
UTF-16 surrogate pair. GSM-7 is sent unpacked (one septet per octet), as SMPP expects for
``data_coding`` 0.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = {"\x0c": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E,
                 "|": 0x40, "€": 0x65}
_BASIC = {char: code for code, char in enumerate(GSM_BASIC) if char != "\x1b"}
_EXT_BACK = {code: char for char, code in GSM_EXTENSION.items()}

GSM7, UCS2 = 0x00, 0x08
SINGLE = {GSM7: 160, UCS2: 140}  # octets in one message
PART = {GSM7: 153, UCS2: 134}  # octets per part after the 6-octet UDH
UDHI = 0x40  # esm_class bit: the message starts with a user data header


@dataclass(frozen=True)
class Segments:
    data_coding: int
    parts: tuple[bytes, ...]  # each with its UDH when there are several
    esm_class: int


def gsm7_units(text: str) -> list[bytes] | None:
    """Each character as its GSM-7 septets (1, or 2 for an escape pair), or None if one is not GSM."""
    units = []
    for char in text:
        if char in _BASIC:
            units.append(bytes([_BASIC[char]]))
        elif char in GSM_EXTENSION:
            units.append(bytes([0x1B, GSM_EXTENSION[char]]))
        else:
            return None
    return units


def ucs2_units(text: str) -> list[bytes]:
    # Encoding per character keeps a surrogate pair (4 octets) in one unit.
    return [char.encode("utf-16-be") for char in text]


def segment(text: str, *, reference: int | None = None) -> Segments:
    """Cut ``text`` into SMPP ``short_message`` payloads."""
    units = gsm7_units(text)
    coding = GSM7
    if units is None:
        units, coding = ucs2_units(text), UCS2
    whole = b"".join(units)
    if len(whole) <= SINGLE[coding]:
        return Segments(coding, (whole,), 0)
    chunks: list[bytes] = []
    current = b""
    for unit in units:
        if len(current) + len(unit) > PART[coding]:
            chunks.append(current)
            current = b""
        current += unit
    chunks.append(current)
    if len(chunks) > 255:
        raise ValueError("text too long for one concatenated SMS")
    ref = secrets.randbelow(256) if reference is None else reference
    parts = tuple(bytes([0x05, 0x00, 0x03, ref, len(chunks), n]) + chunk for n, chunk in enumerate(chunks, 1))
    return Segments(coding, parts, UDHI)


def decode(payload: bytes, data_coding: int) -> str:
    """Text of one received payload (the UDH already removed)."""
    if data_coding == UCS2:
        return payload.decode("utf-16-be", errors="replace")
    if data_coding in (0x03,):
        return payload.decode("latin-1")
    if data_coding not in (GSM7, 0x01):
        return payload.decode("latin-1", errors="replace")
    out, escaped = [], False
    for octet in payload:
        if escaped:
            out.append(_EXT_BACK.get(octet, " "))
            escaped = False
        elif octet == 0x1B:
            escaped = True
        elif octet < len(GSM_BASIC):
            out.append(GSM_BASIC[octet])
    return "".join(out)


def split_udh(payload: bytes, esm_class: int) -> tuple[tuple[int, int, int] | None, bytes]:
    """((reference, total, sequence) or None, the rest) of a received payload."""
    if not esm_class & UDHI or not payload:
        return None, payload
    length = payload[0]
    header, body = payload[1:1 + length], payload[1 + length:]
    position = 0
    while position + 2 <= len(header):
        tag, size = header[position], header[position + 1]
        value = header[position + 2:position + 2 + size]
        if tag == 0x00 and size == 3:
            return (value[0], value[1], value[2]), body
        if tag == 0x08 and size == 4:
            return ((value[0] << 8) | value[1], value[2], value[3]), body
        position += 2 + size
    return None, body
