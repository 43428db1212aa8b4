"""Product offerings: plans, bundles and add-ons, their lifecycle and what is for sale.

Commercial terms (prices, allowances, validity) are versioned in ``catalog.versions``; this
module keeps the offering itself and re-exports the version functions callers need.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog import lifecycle
from catalog.models import (
    OFFERING_KINDS,
    PAYMENT_TYPES,
    Category,
    ProductOffering,
    ProductOfferingVersion,
    ProductSpecification,
)
from catalog.references import external_references
from catalog.validation import as_id, check_keys, check_period, one_of, require_name
from catalog.versions import (
    UNCHANGED,
    Allowances,
    PriceInput,
    add_first_version,
    change_terms,
    current_version,
    new_version,
    open_version,
)
from core.clock import Clock, SystemClock
from core.errors import Conflict, NotFound, ValidationError
from core.events import EventBus

__all__ = [
    "UNCHANGED", "Allowances", "create_offering", "current_version", "delete_offering", "find_offering_by_code",
    "get_offering", "new_version", "require_offering", "sellable_offerings", "set_lifecycle_status",
    "update_offering",
]

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,59}$")
TERMS = frozenset({"prices", "allowances", "validity_days"})
EDITABLE = TERMS | {"name", "code", "description", "kind", "payment_type", "lifecycle_status", "status_reason",
                    "is_bundle", "is_sellable", "valid_from", "valid_to", "specification_id",
                    "external_specification", "category_ids", "bundled_offering_ids"}


def get_offering(session: Session, offering_id: int | str) -> ProductOffering | None:
    ident = as_id(offering_id)
    return None if ident is None else session.get(ProductOffering, ident)


def require_offering(session: Session, offering_id: int | str) -> ProductOffering:
    offering = get_offering(session, offering_id)
    if offering is None:
        raise NotFound(f"product offering {offering_id} not found", field="productOffering")
    return offering


def find_offering_by_code(session: Session, code: str) -> ProductOffering | None:
    if not isinstance(code, str):
        return None
    return session.scalar(sa.select(ProductOffering).where(ProductOffering.code == code.strip().upper()))


def create_offering(session: Session, clock: Clock, *, name: str, code: str | None = None, kind: str = "plan",
                    payment_type: str = "any", description: str | None = None,
                    lifecycle_status: str | None = None, status_reason: str | None = None,
                    is_bundle: bool = False, is_sellable: bool = True,
                    valid_from: dt.datetime | None = None, valid_to: dt.datetime | None = None,
                    prices: Sequence[PriceInput] = (), allowances: Allowances | None = None,
                    validity_days: int | None = None, specification_id: int | None = None,
                    external_specification: dict[str, Any] | None = None,
                    category_ids: Iterable[int] = (), bundled_offering_ids: Iterable[int] = ()) -> ProductOffering:
    """A new offering with its version 1. ``code`` defaults to a generated one.

    ``prices`` mixes existing price rows (linked) and ``PriceTerms`` (created). An offering
    created straight into market ("Active", "Launched") is launched at once.
    """
    now = clock.now()
    check_period(valid_from, valid_to)
    status = lifecycle.checked_status(lifecycle_status)
    offering = ProductOffering(
        name=require_name(name), code=_unique_code(session, code, kind), description=description,
        kind=one_of(kind, OFFERING_KINDS, "kind"), payment_type=one_of(payment_type, PAYMENT_TYPES, "paymentType"),
        lifecycle_status=status, status_reason=status_reason, is_bundle=bool(is_bundle),
        is_sellable=bool(is_sellable), valid_from=valid_from, valid_to=valid_to, created_at=now, last_update=now,
        launched_at=now if status in lifecycle.IN_MARKET else None)
    _set_specification(session, offering, specification_id, external_specification)
    offering.categories = _categories(session, category_ids)
    session.add(offering)
    _set_bundled(session, offering, bundled_offering_ids)
    session.flush()
    # Terms dated from the offering's start when that is in the past, so seeded history resolves.
    effective_from = min(valid_from, now) if valid_from else now
    add_first_version(session, clock, offering, prices=prices, allowances=allowances,
                      validity_days=validity_days, effective_from=effective_from)
    return offering


def update_offering(session: Session, clock: Clock, offering: ProductOffering, *, events: EventBus | None = None,
                    **changes: Any) -> ProductOffering:
    """Change an offering. Prices, allowances and validity go through ``change_terms`` (a new
    version once launched); a lifecycle change must be an allowed transition."""
    check_keys(changes, EDITABLE, "ProductOffering")
    if "name" in changes:
        offering.name = require_name(changes["name"])
    code = changes.get("code")
    if code is not None and not (isinstance(code, str) and code.strip().upper() == offering.code):
        offering.code = _unique_code(session, code, offering.kind)
    if "description" in changes:
        offering.description = changes["description"]
    if changes.get("kind") is not None:
        offering.kind = one_of(changes["kind"], OFFERING_KINDS, "kind")
    if changes.get("payment_type") is not None:
        offering.payment_type = one_of(changes["payment_type"], PAYMENT_TYPES, "paymentType")
    for flag in ("is_bundle", "is_sellable"):
        if changes.get(flag) is not None:
            setattr(offering, flag, bool(changes[flag]))
    if "status_reason" in changes:
        offering.status_reason = changes["status_reason"]
    offering.valid_from = changes.get("valid_from", offering.valid_from)
    offering.valid_to = changes.get("valid_to", offering.valid_to)
    check_period(offering.valid_from, offering.valid_to)
    if offering.valid_from is not None and not offering.is_frozen:
        # Before launch, the terms follow the start of sale back in time, as on creation.
        first = open_version(session, offering)
        if first.version == 1 and offering.valid_from < first.effective_from:
            first.effective_from = offering.valid_from
    if "specification_id" in changes or "external_specification" in changes:
        _set_specification(session, offering, changes.get("specification_id"), changes.get("external_specification"))
    if "category_ids" in changes:
        offering.categories = _categories(session, changes["category_ids"] or ())
    if "bundled_offering_ids" in changes:
        _set_bundled(session, offering, changes["bundled_offering_ids"] or ())
    if offering.bundled and not offering.is_bundle:
        raise ValidationError("an offering with bundled offerings is a bundle; remove them first", field="isBundle")
    terms = {k: changes[k] for k in TERMS if k in changes}
    if terms:
        change_terms(session, clock, offering, events=events, **terms)
    # Status last: terms sent together with a launch belong to the version being launched.
    if changes.get("lifecycle_status") is not None:
        set_lifecycle_status(session, clock, offering, changes["lifecycle_status"], events=events)
    offering.last_update = clock.now()
    session.flush()
    return offering


def set_lifecycle_status(session: Session, clock: Clock, offering: ProductOffering, status: str,
                         reason: str | None = None, *, events: EventBus | None = None) -> ProductOffering:
    """Move the offering to ``status``; Conflict if the lifecycle does not allow the move.
    Publishes ``catalog.offering_status_changed`` on ``events`` (when given) if it moved."""
    before = offering.lifecycle_status
    offering.lifecycle_status = lifecycle.check_transition(before, status)
    if offering.lifecycle_status in lifecycle.IN_MARKET and offering.launched_at is None:
        offering.launched_at = clock.now()
    if reason is not None:
        offering.status_reason = reason
    offering.last_update = clock.now()
    session.flush()
    if events is not None and offering.lifecycle_status != before:
        events.publish("catalog.offering_status_changed", offering_id=offering.id, code=offering.code,
                       from_status=before, to_status=offering.lifecycle_status)
    return offering


def delete_offering(session: Session, offering: ProductOffering) -> None:
    """Delete an offering never sold; Conflict when anything outside the catalog refers to it."""
    version_ids = [v.id for v in offering.versions]
    users = (external_references(session, ProductOffering.__tablename__, [offering.id])
             + external_references(session, ProductOfferingVersion.__tablename__, version_ids))
    if users:
        raise Conflict(f"offering {offering.code} has been sold or is referenced ({', '.join(sorted(set(users)))}); "
                       "retire it instead", code="referenced")
    session.delete(offering)
    session.flush()


def sellable_offerings(session: Session, *, kind: str | None = None, payment_type: str | None = None,
                       at: dt.datetime | None = None) -> list[ProductOffering]:
    """Offerings for sale at ``at`` (default now): in market, sellable, within their validity,
    with a version in effect.
    ``payment_type`` "prepaid" also finds offerings open to any payment type."""
    at = at or SystemClock().now()
    stmt = sa.select(ProductOffering).where(
        ProductOffering.lifecycle_status.in_(lifecycle.IN_MARKET), ProductOffering.is_sellable.is_(True),
        sa.or_(ProductOffering.valid_from.is_(None), ProductOffering.valid_from <= at),
        sa.or_(ProductOffering.valid_to.is_(None), ProductOffering.valid_to > at),
        # and with terms in effect then: nothing is sold without the version it is sold on
        sa.exists().where(ProductOfferingVersion.offering_id == ProductOffering.id,
                          ProductOfferingVersion.effective_from <= at,
                          sa.or_(ProductOfferingVersion.effective_to.is_(None),
                                 ProductOfferingVersion.effective_to > at)))
    if kind is not None:
        stmt = stmt.where(ProductOffering.kind == one_of(kind, OFFERING_KINDS, "kind"))
    if payment_type is not None:
        wanted = one_of(payment_type, PAYMENT_TYPES, "paymentType")
        stmt = stmt.where(ProductOffering.payment_type.in_((wanted, "any")))
    return list(session.scalars(stmt.order_by(ProductOffering.name, ProductOffering.id)))


def _unique_code(session: Session, code: str | None, kind: str) -> str:
    if code is None:
        prefix = kind.upper()[:5] if isinstance(kind, str) and kind.strip() else "PO"
        return f"{prefix}-{secrets.token_hex(4).upper()}"
    if not isinstance(code, str):
        raise ValidationError("must be a string", field="code")
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise ValidationError("letters, digits, '.', '_' and '-' only, at most 60", field="code")
    if find_offering_by_code(session, code) is not None:
        raise Conflict(f"an offering with code {code} exists", code="duplicate_code", field="code")
    return code


def _set_specification(session: Session, offering: ProductOffering, specification_id: int | None,
                       external: dict[str, Any] | None) -> None:
    if specification_id is not None and (as_id(specification_id) is None
                                         or session.get(ProductSpecification, as_id(specification_id)) is None):
        raise NotFound(f"product specification {specification_id} not found", field="productSpecification")
    offering.product_specification_id = specification_id
    offering.external_specification = None if specification_id is not None else external


def _categories(session: Session, category_ids: Iterable[int]) -> list[Category]:
    found = []
    for category_id in category_ids:
        ident = as_id(category_id)
        category = None if ident is None else session.get(Category, ident)
        if category is None:
            raise NotFound(f"category {category_id} not found", field="category")
        if category not in found:
            found.append(category)
    return found


def _set_bundled(session: Session, offering: ProductOffering, offering_ids: Iterable[int]) -> None:
    members = []
    for member_id in offering_ids:
        member = get_offering(session, member_id)
        if member is None:
            raise NotFound(f"product offering {member_id} not found", field="bundledProductOffering")
        if member is offering:
            raise ValidationError("an offering cannot bundle itself", field="bundledProductOffering")
        if member not in members:
            members.append(member)
    offering.bundled = members
    if members:
        offering.is_bundle = True
