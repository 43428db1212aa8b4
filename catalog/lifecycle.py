"""TMF620 lifecycle statuses and the moves allowed between them.

Entities are born in design (or in any status a client names on creation, since catalogs are
often loaded already approved); afterwards a change of status must follow ``TRANSITIONS``.
"Active" and "Launched" are in market: an offering in either can be sold.
"""
from __future__ import annotations

from core.errors import Conflict, ValidationError

IN_STUDY, IN_DESIGN, IN_TEST = "In study", "In design", "In test"
ACTIVE, LAUNCHED, RETIRED, OBSOLETE, REJECTED = "Active", "Launched", "Retired", "Obsolete", "Rejected"

STATUSES = (IN_STUDY, IN_DESIGN, IN_TEST, ACTIVE, LAUNCHED, RETIRED, OBSOLETE, REJECTED)
DEFAULT_STATUS = IN_DESIGN
IN_MARKET = (ACTIVE, LAUNCHED)

TRANSITIONS: dict[str, frozenset[str]] = {
    IN_STUDY: frozenset({IN_DESIGN, IN_TEST, ACTIVE, LAUNCHED, REJECTED}),
    IN_DESIGN: frozenset({IN_STUDY, IN_TEST, ACTIVE, LAUNCHED, REJECTED}),
    IN_TEST: frozenset({IN_DESIGN, ACTIVE, LAUNCHED, REJECTED}),
    ACTIVE: frozenset({LAUNCHED, RETIRED}),
    LAUNCHED: frozenset({ACTIVE, RETIRED}),
    # A retired offering may come back to market (a seasonal plan) until it is made obsolete.
    RETIRED: frozenset({LAUNCHED, ACTIVE, OBSOLETE}),
    OBSOLETE: frozenset(),
    REJECTED: frozenset({IN_STUDY}),
}


def checked_status(status: str | None, *, default: str = DEFAULT_STATUS) -> str:
    """A known status (``default`` when None); the match ignores case, as clients vary."""
    if status is None:
        return default
    for known in STATUSES:
        if known.lower() == str(status).strip().lower():
            return known
    raise ValidationError(f"unknown lifecycle status {status!r}; one of {', '.join(STATUSES)}",
                          field="lifecycleStatus")


def check_transition(current: str, wanted: str) -> str:
    """The canonical ``wanted`` status if moving there from ``current`` is allowed; else Conflict."""
    wanted = checked_status(wanted)
    if wanted != current and wanted not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(f"lifecycle status cannot move from {current!r} to {wanted!r}",
                       code="illegal_transition", field="lifecycleStatus")
    return wanted
