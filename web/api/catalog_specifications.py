"""TMF620 ``productSpecification``: JSON <-> ``catalog.specifications``.

``productSpecCharacteristic`` is kept as the TMF objects sent (each needs a ``name``), e.g.
``{"name": "msisdn", "valueType": "string", "configurable": true}``.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from catalog import specifications as spec_service
from catalog.models import ProductSpecification
from core.clock import isoformat_z
from core.db import db
from web.api import catalog_common as common
from web.api.filters import by_flag, by_text
from web.api.payload import get_bool, get_objects, get_str
from web.api.render import compact, period
from web.api.tmf import Resource
from web.context import clock

NAME = "productSpecification"


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
    out: dict[str, Any] = {}
    if not partial or "name" in body:
        out["name"] = get_str(body, "name", required=True, max_length=200)
    for key, attribute in (("description", "description"), ("brand", "brand"), ("productNumber", "product_number"),
                           ("version", "version"), ("lifecycleStatus", "lifecycle_status")):
        if key in body:
            out[attribute] = get_str(body, key)
    if "isBundle" in body:
        out["is_bundle"] = get_bool(body, "isBundle", default=False)
    if "productSpecCharacteristic" in body:
        out["characteristics"] = get_objects(body, "productSpecCharacteristic")
    common.period_changes(body, out)
    return out


def create(body: dict) -> ProductSpecification:
    return spec_service.create_specification(db.session, clock(), **_kwargs(body, partial=False))


def update(spec: ProductSpecification, body: dict) -> ProductSpecification:
    return spec_service.update_specification(db.session, clock(), spec, **_kwargs(body, partial=True))


def delete(spec: ProductSpecification) -> None:
    spec_service.delete_specification(db.session, spec)


RESOURCE = Resource(
    name=NAME,
    type_name="ProductSpecification",
    query=lambda: sa.select(ProductSpecification).order_by(ProductSpecification.id),
    load=lambda ident: spec_service.get_specification(db.session, ident),
    to_tmf=to_tmf,
    create=create,
    update=update,
    delete=delete,
    filters={
        **common.lifecycle_filters(ProductSpecification),
        "version": by_text(ProductSpecification.version),
        "brand": by_text(ProductSpecification.brand),
        "productNumber": by_text(ProductSpecification.product_number),
        "isBundle": by_flag(ProductSpecification.is_bundle),
    },
    description="What a product is (a mobile line, a SIM), apart from its price.",
)
