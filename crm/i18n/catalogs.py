"""Message catalogs: every text a customer reads comes from ``locales/<language>.json``.

Catalogs are read on first use, not at import. A key missing from a language falls back to
English, so a half-translated catalog never shows a customer a raw key.
"""
from __future__ import annotations

import functools
import json
import pathlib

LOCALES = pathlib.Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "en"
LANGUAGES = {"en": "English", "sw": "Kiswahili"}


@functools.cache
def catalog(language: str) -> dict[str, str]:
    path = LOCALES / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def language_or_default(language: str | None) -> str:
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(language: str, key: str, **values) -> str:
    text = catalog(language_or_default(language)).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in the catalogs")
    return text.format(**values) if values else text
