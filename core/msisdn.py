"""MSISDN normalisation to E.164 with ``phonenumbers``.

Numbers arrive as ``0712 345 678``, ``254712345678``, ``+254712345678`` or ``tel:`` URIs
depending on the channel; the system stores and compares only E.164 (``+254712345678``).
"""
from __future__ import annotations

import phonenumbers

from core.errors import ValidationError


def normalise(raw: str, default_region: str) -> str:
    """Return the E.164 form of ``raw`` or raise ``ValidationError`` with the reason.

    A number without ``+`` is tried first as national (``0712...``) in ``default_region``,
    then as international digits without the plus (``254712...``), as SMSCs send them.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("phone number is empty", field="msisdn")
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:].split(";", 1)[0]  # RFC 3966 parameters (";phone-context=...") follow
    if any(char.isalpha() for char in text):
        # phonenumbers would read letters as a keypad word ("0712abcdef" -> 0712222333),
        # identifying a customer by a number nobody typed.
        raise ValidationError(f"not a valid phone number: {raw!r}", field="msisdn")
    if text.startswith("00"):
        text = "+" + text[2:]
    region = (default_region or "").upper() or None
    candidates = [text] if text.startswith("+") else [text, "+" + text]
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, None if candidate.startswith("+") else region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValidationError(f"not a valid phone number: {raw!r}", field="msisdn")


def is_valid(raw: str, default_region: str) -> bool:
    try:
        normalise(raw, default_region)
    except ValidationError:
        return False
    return True


def region_of(e164: str) -> str | None:
    """ISO country code of an E.164 number, or None."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
