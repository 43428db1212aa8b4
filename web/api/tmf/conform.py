"""Client JSON that we keep and answer back as sent, checked against TM Forum's definition of it.

A few attributes are stored as the client wrote them (a product specification's
characteristics, a customer's ``characteristic``): what we answer with them must match the
schema our OpenAPI document promises, so they are checked on the way in, with the attribute
named in the 400. Only the keywords TM Forum's v4 definitions use are checked: ``type``,
``properties``, ``items``, ``required``, ``enum``, ``minItems``, the ``date-time`` and ``uri`` formats;
``$ref`` points into the vendored definitions the document serves (``web/openapi/tmf_schemas.json``).
"""
from __future__ import annotations

import functools
import json
import pathlib
import re
from decimal import Decimal
from typing import Any

from core.clock import parse_datetime
from core.errors import ValidationError

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "openapi" / "tmf_schemas.json"
_PREFIX = "#/components/schemas/"
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*")  # RFC 3986: a scheme, then no blanks


@functools.cache
def _definitions() -> dict[str, Any]:
    return json.loads(SCHEMAS.read_text())["schemas"]


def conform(value: Any, definition: str, field: str) -> None:
    """400 naming the attribute (under ``field``) where ``value`` breaks TM Forum's ``definition``."""
    _check(value, {"$ref": _PREFIX + definition}, field)


def _check(value: Any, schema: dict[str, Any], where: str) -> None:
    while "$ref" in schema:
        schema = _definitions()[schema["$ref"].removeprefix(_PREFIX)]
    kind = schema.get("type")
    if kind is not None and not _is(value, kind):
        raise ValidationError(f"must be {'an' if kind in ('object', 'array', 'integer') else 'a'} {kind}",
                              field=where)
    if "enum" in schema and value not in schema["enum"]:
        raise ValidationError(f"must be one of {', '.join(map(str, schema['enum']))}", field=where)
    if schema.get("format") == "date-time" and isinstance(value, str):
        try:
            parse_datetime(value)
        except (ValueError, OverflowError):
            raise ValidationError(f"is not an ISO 8601 date-time: {value!r}", field=where) from None
    if schema.get("format") == "uri" and isinstance(value, str) and not _URI.fullmatch(value):
        raise ValidationError("is not a URI", field=where)
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            if value.get(name) is None:
                raise ValidationError("is required", field=f"{where}.{name}")
        for name, inner in schema.get("properties", {}).items():
            if value.get(name) is not None:
                _check(value[name], inner, f"{where}.{name}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            raise ValidationError(f"needs at least {schema['minItems']} item(s)", field=where)
        for index, element in enumerate(value):
            _check(element, schema.get("items", {}), f"{where}[{index}]")


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    return {
        "object": isinstance(value, dict), "array": isinstance(value, list),
        "string": isinstance(value, str), "integer": isinstance(value, int),
        "number": isinstance(value, (int, Decimal)), "boolean": False,
    }.get(kind, True)
