"""Message catalogs: every text a customer reads comes from ``locales/<language>.json``.

Catalogs are read on first use, not at import. A key missing from a language falls back to
English, so a half-translated catalog never shows a customer a raw key. A text that counts
something is a set of forms by CLDR plural category (``{"one": ..., "other": ...}``): ``count``
picks the form by the language's own plural rule (Babel), and fills ``{count}``.
"""
from __future__ import annotations

import functools
import json
import pathlib

from babel import Locale

LOCALES = pathlib.Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "en"
LANGUAGES = {"en": "English", "sw": "Kiswahili"}


@functools.cache
def catalog(language: str) -> dict[str, str | dict[str, str]]:
    path = LOCALES / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def language_or_default(language: str | None) -> str:
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def _plural_rule(language: str):
    return Locale.parse(language).plural_form


def translate(language: str, key: str, *, count: int | None = None, **values) -> str:
    language = language_or_default(language)
    text = catalog(language).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in the catalogs")
    if isinstance(text, dict):
        if count is None:
            raise KeyError(f"message {key!r} counts something: give count=")
        text = text.get(_plural_rule(language)(count)) or text["other"]
        values["count"] = count
    return text.format(**values) if values else text
