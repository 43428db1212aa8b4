"""JSON in and out with exact decimals: numbers parse to ``Decimal`` and ``Decimal`` is
written as a JSON number with its digits, so money never passes through float."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import simplejson
from flask.json.provider import JSONProvider

from core.clock import isoformat_z


def _default(value: Any):
    if isinstance(value, dt.datetime):
        return isoformat_z(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class DecimalJSONProvider(JSONProvider):
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", _default)
        kwargs.setdefault("use_decimal", True)
        kwargs.setdefault("ensure_ascii", False)
        return simplejson.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("use_decimal", True)
        return simplejson.loads(s, **kwargs)
