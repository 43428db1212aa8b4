"""The Product Catalog Management (TMF620) API, and references to its resources both ways:
built for responses (here and in other APIs), read from request bodies."""
from __future__ import annotations

from typing import Any

from catalog.models import ProductOffering
from core.db import db
from core.errors import ValidationError
from web.api.tmf.api import TmfApi
from web.api.tmf.ids import parse_id
from web.api.tmf.payload import ref_id

API = TmfApi(
    "productCatalogManagement",
    title="Product Catalog Management (TMF620)",
    spec_file="TMF620-ProductCatalog-v4.0.0.swagger.json",
)


def ref(resource: str, model: Any, type_name: str, **extra: Any) -> dict[str, Any]:
    """A reference to a catalog entity, with its ``name`` and those ``extra`` attributes that have a value."""
    return API.reference(resource, model.id, type_name, name=model.name,
                         **{k: v for k, v in extra.items() if v is not None})


def offering_ref(offering_id: int) -> dict[str, Any]:
    """A reference to the offering (a plan or bundle) that a line or an order item is on."""
    offering = db.session.get(ProductOffering, offering_id)
    return API.reference("productOffering", offering_id, "ProductOffering",
                         name=offering.name if offering else None)


def local_id(reference: dict, field: str, model: type) -> int:
    """The id of a reference to one of our ``model`` rows; 400 when it cannot be one."""
    ident = ref_id(reference, field)
    number = parse_id(ident, model.id)
    if number is None:
        raise ValidationError(f"unknown reference {ident!r}", field=field)
    return number


def local_ids(references: list[dict], field: str, model: type) -> list[int]:
    return [local_id(item, f"{field}[{index}]", model) for index, item in enumerate(references)]
