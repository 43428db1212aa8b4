"""The request body as the wire delivers it: the media type, the JSON, and text every database
can store, checked once before any mapper reads a field.

- ``POST`` takes ``application/json``; ``PATCH`` also ``application/merge-patch+json``; any
  other ``Content-Type`` is a 415 (a form or text body is not read as JSON by accident).
- JSON numbers arrive as ``Decimal`` (``web.json_provider``), never through float.
- Nesting deeper than ``MAX_DEPTH`` is refused before it can exhaust the parser's stack.
- Text may not hold NUL (PostgreSQL cannot store it in a text column) nor a lone surrogate
  (``"\\ud800"`` is valid JSON but no Unicode string: it cannot be encoded to store or answer);
  the 400 names the attribute (``characteristic[0].value``).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app, request

from core.errors import ValidationError
from web.api.errors import ApiError

MEDIA_TYPES = {"POST": ("application/json",), "PATCH": ("application/json", "application/merge-patch+json")}
# Our deepest resource (an order's item, its product, a characteristic's value) nests under ten
# levels; a client's opaque values get room beyond that, not a way to exhaust the stack.
MAX_DEPTH = 32
# Whole numbers longer than this are refused in opaque JSON: Python will not even print one of
# over 4,300 digits, and no characteristic needs a thousand.
MAX_DIGITS = 1000


def json_body() -> dict[str, Any]:
    """The request's JSON object; 415 for another media type, 400 with the reason when it is
    not a JSON object every database can store."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "Request body is empty", "A JSON object was expected.", code="invalid_body")
    accepted = MEDIA_TYPES.get(request.method, MEDIA_TYPES["POST"])
    if request.mimetype not in accepted:
        raise ApiError(415, "Unsupported media type",
                       f"Send the body as {' or '.join(accepted)}, not {request.mimetype or 'no Content-Type'}.",
                       code="unsupported_media_type")
    try:
        body = current_app.json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "Malformed JSON", "The request body is not UTF-8.", code="invalid_body") from None
    except RecursionError:
        raise ApiError(400, "JSON nested too deeply", f"At most {MAX_DEPTH} levels are read.",
                       code="invalid_body") from None
    except ValueError:  # also numbers too long for int(), which the parser refuses
        raise ApiError(400, "Malformed JSON", "The request body is not valid JSON.", code="invalid_body") from None
    if not isinstance(body, dict):
        raise ApiError(400, "JSON object expected",
                       f"The request body is a JSON {type(body).__name__}, not an object.",
                       code="invalid_body")
    check_text(body)
    return body


def check_text(value: Any, path: str = "") -> None:
    """400 naming the attribute when ``value`` nests deeper than ``MAX_DEPTH`` or holds text no
    database can store. Walks without recursion, whatever the depth."""
    stack = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item, where)
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth >= MAX_DEPTH:
            raise ValidationError(f"nests deeper than {MAX_DEPTH} levels", field=where or "body")
        if isinstance(item, dict):
            for key, element in item.items():
                inside = f"{where}.{key}" if where else str(key)
                _check_string(key, inside)
                stack.append((element, inside, depth + 1))
        else:
            stack.extend((element, f"{where}[{index}]", depth + 1) for index, element in enumerate(item))


def _check_string(text: str, where: str) -> None:
    if "\x00" in text:
        raise ValidationError("must not contain a NUL character", field=where or "body")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("is not valid Unicode (a lone surrogate)", field=where or "body") from None


def storable(value: Any, field: str) -> Any:
    """A client's opaque JSON (a characteristic's value, a note, a reference kept as sent) as the
    database's JSON columns hold it: they write with the standard library, which knows no
    ``Decimal``, and read numbers back as int or float. So a whole number becomes an int and
    any other number a float when, and only when, the float reads back as the very digits
    sent; a number that would not (``0.10000000000000000001``, ``1e400``) is refused, naming
    ``field``, rather than stored changed. Money never takes this path."""
    if isinstance(value, dict):
        return {key: storable(element, f"{field}.{key}") for key, element in value.items()}
    if isinstance(value, list):
        return [storable(element, f"{field}[{index}]") for index, element in enumerate(value)]
    if not isinstance(value, Decimal):
        return value
    if value.is_finite() and value == value.to_integral_value() and value.adjusted() < MAX_DIGITS:
        return int(value)
    as_float = float(value)
    if value.is_finite() and Decimal(repr(as_float)) == value:
        return as_float
    raise ValidationError("has more digits than can be kept; send it as a string", field=field)
