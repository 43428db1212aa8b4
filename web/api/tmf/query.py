"""The query parameters of a TMF list or get: paging, ``fields=`` and attribute equality filters.

Filters with an SQL condition run in the database; any other attribute is matched on the
rendered JSON (dotted paths like ``relatedParty.id``, arrays matching if any element does).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request

from web.api.errors import ApiError

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Query parameters that steer the listing rather than filter it.
RESERVED_PARAMS = {"fields", "offset", "limit", "sort", "depth", "expand"}


def check_query() -> None:
    """``before_request``: 400 naming the parameter when the query holds a NUL character, which
    no filter can match and PostgreSQL refuses even to compare."""
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise ApiError(400, f"Query parameter {name!r} contains a NUL character", code="invalid_query")


def _int_param(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer", f"{name}={raw!r} is not an integer.",
                       code="invalid_query") from None
    if value < minimum:
        raise ApiError(400, f"{name} must be at least {minimum}", code="invalid_query")
    return min(value, maximum)


def paging() -> tuple[int, int]:
    """``offset`` and ``limit`` of this request, checked and capped."""
    return _int_param("offset", 0, 0, 10**9), _int_param("limit", DEFAULT_LIMIT, 0, MAX_LIMIT)


def fields() -> list[str] | None:
    """The attributes ``fields=`` asks for; None for all of them."""
    raw = request.args.get("fields")
    if not raw:
        return None
    names = [n.strip() for n in raw.split(",") if n.strip()]
    return None if "all" in names else names


def project(item: dict, names: list[str] | None) -> dict:
    """Keep ``id``, ``href`` and the named attributes; ``a.b`` keeps only ``b`` inside ``a``."""
    if names is None:
        return item
    out = {k: item[k] for k in ("id", "href") if k in item}
    for name in names:
        _copy_path(item, out, name.split("."))
    return out


def _copy_path(source: Any, target: dict, path: list[str]) -> None:
    head, rest = path[0], path[1:]
    if not isinstance(source, dict) or head not in source:
        return
    value = source[head]
    if not rest or not isinstance(value, (dict, list)):
        target[head] = value
    elif isinstance(value, dict):
        _copy_path(value, target.setdefault(head, {}), rest)
    else:
        existing = target.setdefault(head, [{} for _ in value])
        for element, out in zip(value, existing, strict=False):
            _copy_path(element, out, rest)


def split_filters(sql_filters: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The request's attribute filters as (name, value) pairs: those named in ``sql_filters``,
    then the rest, to be matched on the rendered JSON."""
    sql, json = [], []
    for name in request.args:
        if name in RESERVED_PARAMS:
            continue
        for value in request.args.getlist(name):
            (sql if name in sql_filters else json).append((name, value))
    return sql, json


def json_match(item: Any, path: str, expected: str) -> bool:
    """Does the attribute at ``path`` equal ``expected``? Arrays match if any element does;
    ``a,b`` in the value means any of them."""
    wanted = set(expected.split(",")) if "," in expected else {expected}
    head, _, rest = path.partition(".")
    if isinstance(item, list):
        return any(json_match(element, path, expected) for element in item)
    if not isinstance(item, dict) or head not in item:
        return False
    value = item[head]
    if rest:
        return json_match(value, rest, expected)
    if isinstance(value, list):
        return any(_scalar_text(v) in wanted for v in value)
    return _scalar_text(value) in wanted


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
