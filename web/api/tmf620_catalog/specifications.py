"""TMF620 ``productSpecification``: JSON <-> ``catalog.specifications``.

``productSpecCharacteristic`` is kept as the TMF objects sent (each needs a ``name``), e.g.
``{"name": "msisdn", "valueType": "string", "configurable": true}``.
"""
from __future__ import annotations

from typing import Any

from catalog import specifications as spec_service
from catalog.models import ProductSpecification
from core.clock import isoformat_z
from core.db import db
from web.api.tmf.body import storable
from web.api.tmf.conform import conform
from web.api.tmf.payload import at, get_bool, get_objects, get_str
from web.api.tmf.render import compact, period
from web.api.tmf620_catalog.lifecycle import named_changes, period_changes
from web.context import clock


def to_tmf(spec: ProductSpecification) -> dict[str, Any]:
    out = compact({
        "@type": "ProductSpecification",
        "name": spec.name,
        "description": spec.description,
        "brand": spec.brand,
        "productNumber": spec.product_number,
        "version": spec.version,
        "lastUpdate": isoformat_z(spec.last_update),
        "lifecycleStatus": spec.lifecycle_status,
        "isBundle": spec.is_bundle,
        "validFor": period(spec.valid_from, spec.valid_to),
    })
    out["productSpecCharacteristic"] = list(spec.characteristics or [])
    if spec.is_bundle:
        out["bundledProductSpecification"] = []
    return out


def _kwargs(body: dict, *, partial: bool) -> dict[str, Any]:
    out = named_changes(body, ProductSpecification, (("description", "description"), ("brand", "brand"),
                                                     ("productNumber", "product_number"), ("version", "version"),
                                                     ("lifecycleStatus", "lifecycle_status")), partial=partial)
    if "isBundle" in body:
        out["is_bundle"] = get_bool(body, "isBundle", default=False)
    if "productSpecCharacteristic" in body:
        items = get_objects(body, "productSpecCharacteristic")
        for index, item in enumerate(items):  # kept and answered as sent: each needs a name, TMF's types
            with at(f"productSpecCharacteristic[{index}]"):
                get_str(item, "name", required=True)
            conform(item, "ProductSpecificationCharacteristic", f"productSpecCharacteristic[{index}]")
        out["characteristics"] = storable(items, "productSpecCharacteristic")
    period_changes(body, out)
    return out


def load(ident: int) -> ProductSpecification | None:
    return spec_service.get_specification(db.session, ident)


def create(body: dict) -> ProductSpecification:
    return spec_service.create_specification(db.session, clock(), **_kwargs(body, partial=False))


def update(spec: ProductSpecification, body: dict) -> ProductSpecification:
    return spec_service.update_specification(db.session, clock(), spec, **_kwargs(body, partial=True))


def delete(spec: ProductSpecification) -> None:
    spec_service.delete_specification(db.session, spec)
