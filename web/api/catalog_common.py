"""Pieces every TMF620 resource mapper shares: hrefs, references, periods, SQL filters."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from catalog.validation import as_id
from core.clock import isoformat_z, parse_datetime
from core.errors import ValidationError
from web.api.payload import get_datetime, get_obj, get_period, ref_id
from web.api.tmf import base_url

PREFIX = "/tmf-api/productCatalogManagement/v4"


def href(resource: str, ident: Any) -> str:
    return f"{base_url()}{PREFIX}/{resource}/{ident}"


def ref(resource: str, model: Any, type_name: str, **extra: Any) -> dict[str, Any]:
    out = {"id": str(model.id), "href": href(resource, model.id), "name": model.name}
    out.update({k: v for k, v in extra.items() if v is not None})
    out["@referredType"] = type_name
    return out


def period(valid_from: dt.datetime | None, valid_to: dt.datetime | None) -> dict[str, str] | None:
    if valid_from is None and valid_to is None:
        return None
    out = {"startDateTime": isoformat_z(valid_from)}
    if valid_to is not None:
        out["endDateTime"] = isoformat_z(valid_to)
    return {k: v for k, v in out.items() if v is not None}


def period_changes(body: dict, changes: dict[str, Any]) -> None:
    """``validFor`` into ``valid_from``/``valid_to``, with merge-patch meaning: only the ends
    sent change (``null`` clears one); ``"validFor": null`` clears both."""
    if "validFor" not in body:
        return
    get_period(body)  # validates types and order of what was sent
    period = get_obj(body, "validFor")
    if period is None:
        changes["valid_from"] = changes["valid_to"] = None
        return
    for key, attribute in (("startDateTime", "valid_from"), ("endDateTime", "valid_to")):
        if key in period:
            changes[attribute] = get_datetime(period, key)


def local_id(reference: dict, field: str) -> int:
    """The integer id of a reference to one of our own resources; 400 when it cannot be one."""
    ident = ref_id(reference, field)
    try:
        return int(ident)
    except ValueError:
        raise ValidationError(f"unknown reference {ident!r}", field=field) from None


def local_ids(references: list[dict], field: str) -> list[int]:
    return [local_id(item, f"{field}[{index}]") for index, item in enumerate(references)]


def compact(body: dict[str, Any]) -> dict[str, Any]:
    """Leave out attributes with no value, as TMF servers do."""
    return {k: v for k, v in body.items() if v is not None}


# -- SQL filters for ``?attribute=value`` (``a,b`` means either) ---------------------------

def _values(raw: str) -> list[str]:
    return [v for v in raw.split(",") if v != ""]


def id_filter(column):
    def condition(raw: str):
        ids = [ident for ident in map(as_id, _values(raw)) if ident is not None]
        return column.in_(ids) if ids else sa.false()
    return condition


def text_filter(column):
    def condition(raw: str):
        return column.in_(_values(raw) or [raw])
    return condition


def bool_filter(column):
    def condition(raw: str):
        wanted = {v.strip().lower() for v in _values(raw)}
        if wanted <= {"true", "false"} and wanted:
            return column.in_([v == "true" for v in wanted])
        return sa.false()
    return condition


def time_filter(column):
    """Equality at the millisecond we render, whatever finer precision the database kept."""
    def condition(raw: str):
        conditions = []
        for value in _values(raw):
            try:
                moment = parse_datetime(value)
            except ValueError:
                continue
            moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
            conditions.append(sa.and_(column >= moment, column < moment + dt.timedelta(milliseconds=1)))
        return sa.or_(*conditions) if conditions else sa.false()
    return condition


def lifecycle_filters(model) -> dict[str, Any]:
    """The filters every catalog entity answers in SQL."""
    return {
        "id": id_filter(model.id),
        "name": text_filter(model.name),
        "lifecycleStatus": text_filter(model.lifecycle_status),
        "lastUpdate": time_filter(model.last_update),
    }
