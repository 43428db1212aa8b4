"""Pieces every TMF620 resource mapper shares: hrefs, references, validity changes, filters."""
from __future__ import annotations

from typing import Any

from core.errors import ValidationError
from web.api.filters import by_id, by_instant, by_text
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


def lifecycle_filters(model) -> dict[str, Any]:
    """The filters every catalog entity answers in SQL."""
    return {
        "id": by_id(model.id),
        "name": by_text(model.name),
        "lifecycleStatus": by_text(model.lifecycle_status),
        "lastUpdate": by_instant(model.last_update),
    }
