"""Who else points at a catalog row: the check behind "a sold offering cannot be deleted".

Packages above the catalog (billing's subscriptions, orders) reference offerings by table name
only, so the catalog cannot import them to ask. It asks the schema instead: every foreign key,
outside the catalog's own tables, that points at the row's table.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.db import Base

# The catalog's own tables: rows there are cleaned up with the entity, not a reason to refuse.
CATALOG_TABLES = frozenset({
    "product_offering", "product_offering_version", "product_offering_price", "product_specification",
    "category", "catalog", "product_offering_category", "catalog_category", "bundled_product_offering",
    "product_offering_version_price",
})


def external_references(session: Session, table: str, ids: list[int]) -> list[str]:
    """Names of the tables (outside the catalog) holding a row that refers to one of ``ids``."""
    if not ids:
        return []
    found = []
    for other in Base.metadata.sorted_tables:
        if other.name in CATALOG_TABLES:
            continue
        for fk in other.foreign_keys:
            if fk.column.table.name != table:
                continue
            hit = session.scalar(sa.select(sa.literal(1)).select_from(other)
                                 .where(fk.parent.in_(ids)).limit(1))
            if hit:
                found.append(other.name)
                break
    return found
