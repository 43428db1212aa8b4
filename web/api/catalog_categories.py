"""TMF620 ``category`` and ``catalog``: JSON <-> ``catalog.categories``.

A category names its parent with ``parentId``; ``isRoot`` follows from it. ``subCategory`` and
``productOffering`` are read-only views (offerings join categories through their own
``category`` attribute). A catalog lists its root categories in ``category``.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from catalog import categories as category_service
from catalog.models import Catalog, Category
from core.clock import isoformat_z
from core.db import db
from core.errors import ValidationError
from web.api import catalog_common as common
from web.api.filters import by_flag, by_id, by_text
from web.api.payload import get_objects, get_str
from web.api.render import compact, period
from web.api.tmf import Resource
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
    out["subCategory"] = [common.ref("category", c, "Category") for c in category.children]
    out["productOffering"] = [common.ref("productOffering", o, "ProductOffering") for o in category.offerings]
    return out


def _parent_id(body: dict) -> int | None:
    raw = body.get("parentId")
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not str(raw).strip().isdigit():
        raise ValidationError("must be the id of a category", field="parentId")
    return int(raw)


def _category_kwargs(body: dict, *, partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not partial or "name" in body:
        out["name"] = get_str(body, "name", required=True, max_length=200)
    for key, attribute in (("description", "description"), ("version", "version"),
                           ("lifecycleStatus", "lifecycle_status")):
        if key in body:
            out[attribute] = get_str(body, key)
    if "parentId" in body:
        out["parent_id"] = _parent_id(body)
    common.period_changes(body, out)
    return out


CATEGORY = Resource(
    name="category",
    type_name="Category",
    query=lambda: sa.select(Category).order_by(Category.id),
    load=lambda ident: category_service.get_category(db.session, ident),
    to_tmf=category_json,
    create=lambda body: category_service.create_category(db.session, clock(), **_category_kwargs(body, partial=False)),
    update=lambda category, body: category_service.update_category(
        db.session, clock(), category, **_category_kwargs(body, partial=True)),
    delete=lambda category: category_service.delete_category(db.session, category),
    filters={
        **common.lifecycle_filters(Category),
        "version": by_text(Category.version),
        "isRoot": by_flag(Category.is_root),
        "parentId": by_id(Category.parent_id),
    },
    description="Categories that group offerings into a tree.",
)


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
    out["category"] = [common.ref("category", c, "Category") for c in catalog.categories]
    return out


def _catalog_kwargs(body: dict, *, partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not partial or "name" in body:
        out["name"] = get_str(body, "name", required=True, max_length=200)
    for key, attribute in (("description", "description"), ("catalogType", "catalog_type"),
                           ("version", "version"), ("lifecycleStatus", "lifecycle_status")):
        if key in body:
            out[attribute] = get_str(body, key)
    if "category" in body:
        out["category_ids"] = common.local_ids(get_objects(body, "category"), "category")
    common.period_changes(body, out)
    return out


CATALOG = Resource(
    name="catalog",
    type_name="Catalog",
    query=lambda: sa.select(Catalog).order_by(Catalog.id),
    load=lambda ident: category_service.get_catalog(db.session, ident),
    to_tmf=catalog_json,
    create=lambda body: category_service.create_catalog(db.session, clock(), **_catalog_kwargs(body, partial=False)),
    update=lambda catalog, body: category_service.update_catalog(
        db.session, clock(), catalog, **_catalog_kwargs(body, partial=True)),
    delete=lambda catalog: category_service.delete_catalog(db.session, catalog),
    filters={
        **common.lifecycle_filters(Catalog),
        "version": by_text(Catalog.version),
        "catalogType": by_text(Catalog.catalog_type),
    },
    description="Catalogs: named sets of root categories.",
)
