"""What every TMF620 entity has and reads the same way: a name and plain string attributes,
a validity period with merge-patch meaning, and the filters on its lifecycle."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from web.api.tmf.filters import Condition, by_instant, by_text
from web.api.tmf.payload import get_datetime, get_obj, get_period, get_str


def named_changes(body: dict, model: type, strings: Iterable[tuple[str, str]], *, partial: bool) -> dict[str, Any]:
    """``name`` (required unless ``partial``) and the plain strings sent, as service keyword
    arguments; ``strings`` pairs each TMF attribute with its keyword, a column of ``model``
    whose length bounds it."""
    out: dict[str, Any] = {}
    if not partial or "name" in body:
        out["name"] = get_str(body, "name", required=True, column=model.name)
    for key, attribute in strings:
        if key in body:
            out[attribute] = get_str(body, key, column=getattr(model, attribute))
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


def lifecycle_filters(model) -> dict[str, Condition]:
    """The filters every catalog entity answers in SQL, beside ``id``."""
    return {
        "name": by_text(model.name),
        "lifecycleStatus": by_text(model.lifecycle_status),
        "lastUpdate": by_instant(model.last_update),
    }
