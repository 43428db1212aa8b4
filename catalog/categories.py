"""Categories (a tree that groups offerings) and catalogs (named sets of root categories)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from catalog import lifecycle
from catalog.models import Catalog, Category
from catalog.validation import as_id, check_keys, check_period, require_name
from core.clock import Clock
from core.errors import Conflict, NotFound, ValidationError

CATEGORY_EDITABLE = frozenset({"name", "description", "version", "parent_id", "lifecycle_status",
                               "valid_from", "valid_to"})
CATALOG_EDITABLE = frozenset({"name", "description", "catalog_type", "version", "lifecycle_status",
                              "valid_from", "valid_to", "category_ids"})


def get_category(session: Session, category_id: int | str) -> Category | None:
    ident = as_id(category_id)
    return None if ident is None else session.get(Category, ident)


def create_category(session: Session, clock: Clock, *, name: str, description: str | None = None,
                    version: str | None = None, parent_id: int | None = None, lifecycle_status: str | None = None,
                    valid_from: dt.datetime | None = None, valid_to: dt.datetime | None = None) -> Category:
    check_period(valid_from, valid_to)
    category = Category(name=require_name(name), description=description, version=version or "1.0",
                        lifecycle_status=lifecycle.checked_status(lifecycle_status),
                        valid_from=valid_from, valid_to=valid_to, last_update=clock.now())
    _set_parent(session, category, parent_id)
    session.add(category)
    session.flush()
    return category


def update_category(session: Session, clock: Clock, category: Category, **changes: Any) -> Category:
    check_keys(changes, CATEGORY_EDITABLE, "Category")
    if "name" in changes:
        category.name = require_name(changes["name"])
    if "description" in changes:
        category.description = changes["description"]
    if changes.get("version"):
        category.version = str(changes["version"])
    if "parent_id" in changes:
        _set_parent(session, category, changes["parent_id"])
    if changes.get("lifecycle_status") is not None:
        category.lifecycle_status = lifecycle.check_transition(category.lifecycle_status, changes["lifecycle_status"])
    category.valid_from = changes.get("valid_from", category.valid_from)
    category.valid_to = changes.get("valid_to", category.valid_to)
    check_period(category.valid_from, category.valid_to)
    category.last_update = clock.now()
    session.flush()
    return category


def delete_category(session: Session, category: Category) -> None:
    """Delete a category without sub-categories; its offerings simply leave it."""
    if category.children:
        raise Conflict("the category has sub-categories; delete or move them first", code="has_children")
    session.delete(category)
    session.flush()


def _set_parent(session: Session, category: Category, parent_id: int | None) -> None:
    parent = None
    if parent_id is not None:
        parent = get_category(session, parent_id)
        if parent is None:
            raise NotFound(f"category {parent_id} not found", field="parentId")
        ancestor = parent
        while ancestor is not None:  # a category cannot sit under itself or its descendants
            if ancestor is category:
                raise ValidationError("a category cannot be its own ancestor", field="parentId")
            ancestor = ancestor.parent
    category.parent = parent
    category.is_root = parent is None


def get_catalog(session: Session, catalog_id: int | str) -> Catalog | None:
    ident = as_id(catalog_id)
    return None if ident is None else session.get(Catalog, ident)


def create_catalog(session: Session, clock: Clock, *, name: str, description: str | None = None,
                   catalog_type: str | None = None, version: str | None = None, lifecycle_status: str | None = None,
                   valid_from: dt.datetime | None = None, valid_to: dt.datetime | None = None,
                   category_ids: Iterable[int] = ()) -> Catalog:
    check_period(valid_from, valid_to)
    catalog = Catalog(name=require_name(name), description=description, catalog_type=catalog_type or "ProductCatalog",
                      version=version or "1.0", lifecycle_status=lifecycle.checked_status(lifecycle_status),
                      valid_from=valid_from, valid_to=valid_to, last_update=clock.now())
    catalog.categories = _categories(session, category_ids)
    session.add(catalog)
    session.flush()
    return catalog


def update_catalog(session: Session, clock: Clock, catalog: Catalog, **changes: Any) -> Catalog:
    check_keys(changes, CATALOG_EDITABLE, "Catalog")
    if "name" in changes:
        catalog.name = require_name(changes["name"])
    for attribute in ("description", "catalog_type"):
        if attribute in changes:
            setattr(catalog, attribute, changes[attribute])
    if changes.get("version"):
        catalog.version = str(changes["version"])
    if "category_ids" in changes:
        catalog.categories = _categories(session, changes["category_ids"] or ())
    if changes.get("lifecycle_status") is not None:
        catalog.lifecycle_status = lifecycle.check_transition(catalog.lifecycle_status, changes["lifecycle_status"])
    catalog.valid_from = changes.get("valid_from", catalog.valid_from)
    catalog.valid_to = changes.get("valid_to", catalog.valid_to)
    check_period(catalog.valid_from, catalog.valid_to)
    catalog.last_update = clock.now()
    session.flush()
    return catalog


def delete_catalog(session: Session, catalog: Catalog) -> None:
    session.delete(catalog)
    session.flush()


def _categories(session: Session, category_ids: Iterable[int]) -> list[Category]:
    found = []
    for category_id in category_ids:
        category = get_category(session, category_id)
        if category is None:
            raise NotFound(f"category {category_id} not found", field="category")
        if category not in found:
            found.append(category)
    return found
