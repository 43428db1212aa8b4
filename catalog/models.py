"""Catalog models: specifications, categories, catalogs, offerings, their versions and prices.

An offering (``product_offering``) is the stable thing a customer recognises by its ``code``
and the TMF API by its ``id``. What it costs and what it gives (prices, allowances, validity)
lives in ``product_offering_version`` rows: once an offering has been in market, a change of
terms adds a version instead of editing one, so a subscription sold on version 1 keeps
pointing at the terms it was sold with.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, ExactDecimal, UTCDateTime

OFFERING_KINDS = ("plan", "bundle", "addon")
PAYMENT_TYPES = ("prepaid", "postpaid", "any")
PRICE_TYPES = ("recurring", "oneTime", "usage")
CHARGE_PERIODS = ("day", "week", "month", "year")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


offering_category = sa.Table(
    "product_offering_category", Base.metadata,
    sa.Column("offering_id", sa.ForeignKey("product_offering.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
)

catalog_category = sa.Table(
    "catalog_category", Base.metadata,
    sa.Column("catalog_id", sa.ForeignKey("catalog.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
)

# A TMF bundle offering (isBundle) groups other offerings; ``kind="bundle"`` is something else,
# a package of allowances sold on its own.
bundled_offering = sa.Table(
    "bundled_product_offering", Base.metadata,
    sa.Column("bundle_id", sa.ForeignKey("product_offering.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("offering_id", sa.ForeignKey("product_offering.id", ondelete="CASCADE"), primary_key=True),
)

# Prices are shared between versions when they did not change, so a version's price list is
# an association rather than a foreign key on the price.
version_price = sa.Table(
    "product_offering_version_price", Base.metadata,
    sa.Column("version_id", sa.ForeignKey("product_offering_version.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("price_id", sa.ForeignKey("product_offering_price.id"), primary_key=True),
)


class _Lifecycle:
    """Columns every TMF620 catalog entity carries."""

    lifecycle_status: Mapped[str] = mapped_column(sa.String(20), index=True)
    valid_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_update: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ProductSpecification(_Lifecycle, Base):
    __tablename__ = "product_specification"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    brand: Mapped[str | None] = mapped_column(sa.String(100))
    product_number: Mapped[str | None] = mapped_column(sa.String(100))
    version: Mapped[str] = mapped_column(sa.String(20), default="1.0")
    is_bundle: Mapped[bool] = mapped_column(default=False)
    # TMF ProductSpecCharacteristic objects as sent; nothing in the BSS queries inside them.
    characteristics: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)


class Category(_Lifecycle, Base):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[str] = mapped_column(sa.String(20), default="1.0")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("category.id"), index=True)
    is_root: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Category | None] = relationship(remote_side="Category.id", back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent", order_by="Category.id")
    offerings: Mapped[list[ProductOffering]] = relationship(
        secondary=offering_category, back_populates="categories", order_by="ProductOffering.id")


class Catalog(_Lifecycle, Base):
    __tablename__ = "catalog"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    catalog_type: Mapped[str | None] = mapped_column(sa.String(40))
    version: Mapped[str] = mapped_column(sa.String(20), default="1.0")

    categories: Mapped[list[Category]] = relationship(secondary=catalog_category, order_by="Category.id")


class ProductOffering(_Lifecycle, Base):
    __tablename__ = "product_offering"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(10), default="plan")
    payment_type: Mapped[str] = mapped_column(sa.String(10), default="any")
    status_reason: Mapped[str | None] = mapped_column(sa.String(200))
    is_bundle: Mapped[bool] = mapped_column(default=False)
    is_sellable: Mapped[bool] = mapped_column(default=True)
    product_specification_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("product_specification.id"), index=True)
    # A specification held in another catalog: kept as the reference the client sent.
    external_specification: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # First time the offering reached the market; from then on its terms are versioned.
    launched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    specification: Mapped[ProductSpecification | None] = relationship()
    versions: Mapped[list[ProductOfferingVersion]] = relationship(
        back_populates="offering", order_by="ProductOfferingVersion.version", cascade="all, delete-orphan")
    categories: Mapped[list[Category]] = relationship(
        secondary=offering_category, back_populates="offerings", order_by="Category.id")
    bundled: Mapped[list[ProductOffering]] = relationship(
        secondary=bundled_offering, primaryjoin=lambda: ProductOffering.id == bundled_offering.c.bundle_id,
        secondaryjoin=lambda: ProductOffering.id == bundled_offering.c.offering_id,
        order_by="ProductOffering.id")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", OFFERING_KINDS), name="kind"),
        sa.CheckConstraint(_in("payment_type", PAYMENT_TYPES), name="payment_type"),
    )

    @property
    def is_frozen(self) -> bool:
        """Whether its terms are history: once launched, changes make a new version."""
        return self.launched_at is not None


class ProductOfferingVersion(Base):
    """The commercial terms of an offering over ``[effective_from, effective_to)``."""

    __tablename__ = "product_offering_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(sa.ForeignKey("product_offering.id"), index=True)
    version: Mapped[int] = mapped_column()
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    effective_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voice_minutes: Mapped[int | None] = mapped_column()
    sms_count: Mapped[int | None] = mapped_column()
    data_mb: Mapped[int | None] = mapped_column()
    allowance_scope: Mapped[str | None] = mapped_column(sa.String(40))  # e.g. "national", "onnet"
    validity_days: Mapped[int | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    offering: Mapped[ProductOffering] = relationship(back_populates="versions")
    prices: Mapped[list[ProductOfferingPrice]] = relationship(
        secondary=version_price, back_populates="versions", order_by="ProductOfferingPrice.id")

    __table_args__ = (
        sa.UniqueConstraint("offering_id", "version", name="uq_product_offering_version_number"),
        sa.CheckConstraint("validity_days IS NULL OR validity_days > 0", name="validity_days"),
    )


class ProductOfferingPrice(_Lifecycle, Base):
    __tablename__ = "product_offering_price"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    price_type: Mapped[str] = mapped_column(sa.String(10), index=True)
    recurring_period: Mapped[str | None] = mapped_column(sa.String(10))
    recurring_period_length: Mapped[int | None] = mapped_column()
    # Nullable: TMF lets a price be defined before it is given an amount.
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    unit_of_measure: Mapped[str | None] = mapped_column(sa.String(20))  # usage: "min", "sec", "MB", "SMS"
    unit_quantity: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    is_bundle: Mapped[bool] = mapped_column(default=False)
    version: Mapped[str] = mapped_column(sa.String(20), default="1.0")

    versions: Mapped[list[ProductOfferingVersion]] = relationship(
        secondary=version_price, back_populates="prices")

    __table_args__ = (
        sa.CheckConstraint(_in("price_type", PRICE_TYPES), name="price_type"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount"),
    )
