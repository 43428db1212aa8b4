"""Product specifications: what a product is (a mobile line, a SIM, a router), apart from its price."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog import lifecycle
from catalog.models import ProductOffering, ProductSpecification
from catalog.references import external_references
from catalog.validation import as_id, check_keys, check_period, require_name
from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError

EDITABLE = frozenset({"name", "description", "brand", "product_number", "version", "is_bundle",
                      "lifecycle_status", "valid_from", "valid_to", "characteristics"})


def get_specification(session: Session, specification_id: int | str) -> ProductSpecification | None:
    ident = as_id(specification_id)
    return None if ident is None else session.get(ProductSpecification, ident)


def require_specification(session: Session, specification_id: int | str) -> ProductSpecification:
    specification = get_specification(session, specification_id)
    if specification is None:
        raise NotFound(f"product specification {specification_id} not found", field="productSpecification")
    return specification


def create_specification(session: Session, clock: Clock, *, name: str, description: str | None = None,
                         brand: str | None = None, product_number: str | None = None, version: str | None = None,
                         is_bundle: bool = False, lifecycle_status: str | None = None,
                         valid_from: dt.datetime | None = None, valid_to: dt.datetime | None = None,
                         characteristics: list[dict[str, Any]] | None = None) -> ProductSpecification:
    check_period(valid_from, valid_to)
    specification = ProductSpecification(
        name=require_name(name), description=description, brand=brand, product_number=product_number,
        version=version or "1.0", is_bundle=bool(is_bundle),
        lifecycle_status=lifecycle.checked_status(lifecycle_status),
        valid_from=valid_from, valid_to=valid_to, characteristics=_characteristics(characteristics),
        last_update=clock.now())
    session.add(specification)
    session.flush()
    return specification


def update_specification(session: Session, clock: Clock, specification: ProductSpecification,
                         **changes: Any) -> ProductSpecification:
    check_keys(changes, EDITABLE, "ProductSpecification")
    if "name" in changes:
        specification.name = require_name(changes["name"])
    for attribute in ("description", "brand", "product_number"):
        if attribute in changes:
            setattr(specification, attribute, changes[attribute])
    if changes.get("version"):
        specification.version = str(changes["version"])
    if changes.get("is_bundle") is not None:
        specification.is_bundle = bool(changes["is_bundle"])
    if "characteristics" in changes:
        specification.characteristics = _characteristics(changes["characteristics"])
    if changes.get("lifecycle_status") is not None:
        specification.lifecycle_status = lifecycle.check_transition(specification.lifecycle_status,
                                                                    changes["lifecycle_status"])
    specification.valid_from = changes.get("valid_from", specification.valid_from)
    specification.valid_to = changes.get("valid_to", specification.valid_to)
    check_period(specification.valid_from, specification.valid_to)
    specification.last_update = clock.now()
    session.flush()
    return specification


def delete_specification(session: Session, specification: ProductSpecification) -> None:
    """Delete a specification no offering is built on."""
    used = session.scalar(sa.select(sa.func.count()).select_from(ProductOffering)
                          .where(ProductOffering.product_specification_id == specification.id))
    if used:
        raise Conflict(f"{used} product offering(s) use this specification", code="referenced")
    users = external_references(session, ProductSpecification.__tablename__, [specification.id])
    if users:
        raise Conflict(f"this specification is referenced by {', '.join(users)}", code="referenced")
    session.delete(specification)
    session.flush()


def _characteristics(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    items = items or []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValidationError("each characteristic needs a name", field=f"productSpecCharacteristic[{index}]")
    return [dict(item) for item in items]
