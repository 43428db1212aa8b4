"""TMF620 ``category`` and ``catalog``: JSON <-> ``catalog.categories``.

A category names its parent with ``parentId``; ``isRoot`` follows from it. ``subCategory`` and
``productOffering`` are read-only views (offerings join categories through their own
``category`` attribute). A catalog lists its root categories in ``category``.
"""
from __future__ import annotations

from typing import Any

from catalog import categories as category_service
from catalog.models import Catalog, Category
from core.clock import isoformat_z
from core.db import db
from core.errors import ValidationError
from web.api.tmf.ids import parse_id
from web.api.tmf.payload import get_objects
from web.api.tmf.render import compact, period
from web.api.tmf620_catalog.api import local_ids, ref
from web.api.tmf620_catalog.lifecycle import named_changes, period_changes
from web.context import clock


def category_json(category: Category) -> dict[str, Any]:
    out = compact({
        "@type": "Category",
        "name": category.name,
        "description": category.description,
        "version": category.version,
        "lastUpdate": isoformat_z(category.last_update),
        "lifecycleStatus": category.lifecycle_status,
        "isRoot": category.is_root,
        "parentId": str(category.parent_id) if category.parent_id is not None else None,
        "validFor": period(category.valid_from, category.valid_to),
    })
    out["subCategory"] = [ref("category", c, "Category") for c in category.children]
    out["productOffering"] = [ref("productOffering", o, "ProductOffering") for o in category.offerings]
    return out


def _parent_id(body: dict) -> int | None:
    raw = body.get("parentId")
    if raw is None or raw == "":
        return None
    ident = parse_id(raw, Category.id)
    if ident is None:
        raise ValidationError("must be the id of a category", field="parentId")
    return ident


def _category_kwargs(body: dict, *, partial: bool) -> dict[str, Any]:
    out = named_changes(body, Category, (("description", "description"), ("version", "version"),
                                         ("lifecycleStatus", "lifecycle_status")), partial=partial)
    if "parentId" in body:
        out["parent_id"] = _parent_id(body)
    period_changes(body, out)
    return out


def load_category(ident: int) -> Category | None:
    return category_service.get_category(db.session, ident)


def create_category(body: dict) -> Category:
    return category_service.create_category(db.session, clock(), **_category_kwargs(body, partial=False))


def update_category(category: Category, body: dict) -> Category:
    return category_service.update_category(db.session, clock(), category, **_category_kwargs(body, partial=True))


def delete_category(category: Category) -> None:
    category_service.delete_category(db.session, category)


def catalog_json(catalog: Catalog) -> dict[str, Any]:
    out = compact({
        "@type": "Catalog",
        "name": catalog.name,
        "description": catalog.description,
        "catalogType": catalog.catalog_type,
        "version": catalog.version,
        "lastUpdate": isoformat_z(catalog.last_update),
        "lifecycleStatus": catalog.lifecycle_status,
        "validFor": period(catalog.valid_from, catalog.valid_to),
    })
    out["category"] = [ref("category", c, "Category") for c in catalog.categories]
    return out


def _catalog_kwargs(body: dict, *, partial: bool) -> dict[str, Any]:
    out = named_changes(body, Catalog, (("description", "description"), ("catalogType", "catalog_type"),
                                        ("version", "version"), ("lifecycleStatus", "lifecycle_status")),
                        partial=partial)
    if "category" in body:
        out["category_ids"] = local_ids(get_objects(body, "category"), "category", Category)
    period_changes(body, out)
    return out


def load_catalog(ident: int) -> Catalog | None:
    return category_service.get_catalog(db.session, ident)


def create_catalog(body: dict) -> Catalog:
    return category_service.create_catalog(db.session, clock(), **_catalog_kwargs(body, partial=False))


def update_catalog(catalog: Catalog, body: dict) -> Catalog:
    return category_service.update_catalog(db.session, clock(), catalog, **_catalog_kwargs(body, partial=True))


def delete_catalog(catalog: Catalog) -> None:
    category_service.delete_catalog(db.session, catalog)
