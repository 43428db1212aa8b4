"""Voucher PINs: made at random, read as people type them, stored only as a keyed digest.

Why a keyed HMAC and not argon2 for the PIN: a customer types only the PIN (``*123*PIN#``),
so the row must be found *by* the PIN. A salted slow hash cannot be searched; it would need
the serial too, or a scan of every voucher with one argon2 per row. HMAC-SHA256 under a
server-side secret (``VOUCHER_SECRET``, from the environment only) is a deterministic,
indexed lookup, and a stolen database alone does not let anyone brute-force the 14-digit
PINs offline: without the key, the digests are useless.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from core.errors import ValidationError

PIN_LENGTH = 14
MIN_PIN_LENGTH = 10  # what a typed string must have before it is even looked up
MAX_PIN_LENGTH = 20


def new_pin() -> str:
    """A fresh PIN of ``PIN_LENGTH`` digits from the system's secure random source."""
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def pin_digest(secret: str, pin: str) -> str:
    """The keyed digest stored for ``pin``; refuses to work without a secret."""
    if not secret:
        raise ValidationError("VOUCHER_SECRET is not set; vouchers cannot be generated or redeemed",
                              code="voucher_secret_missing")
    return hmac.new(secret.encode(), pin.encode(), hashlib.sha256).hexdigest()


def clean_pin(raw: str) -> str:
    """The digits of a PIN as people type it (spaces and dashes from the card are dropped)."""
    pin = "".join(ch for ch in str(raw or "") if ch not in " -")
    if not pin.isdigit() or not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise ValidationError("a voucher PIN is 10 to 20 digits", field="pin", code="invalid_pin")
    return pin
