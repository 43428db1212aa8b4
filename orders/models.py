"""Order models: product orders (TMF622) with their items, cancellation requests, and the
stock orders sell from (the MSISDN number pool and SIM cards).

Customers, accounts, subscriptions and offerings belong to packages around orders; they are
referenced by table name only.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime

# TMF622 ProductOrderStateType.
ORDER_STATES = ("acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "completed", "failed",
                "partial", "assessingCancellation", "pendingCancellation")
ITEM_ACTIONS = ("add", "modify", "delete", "noChange")
# What an item does, decided from its action, offering and target product when the order is placed.
ITEM_KINDS = ("new_line", "plan_change", "bundle_purchase", "addon_removal", "sim_swap", "suspend", "resume",
              "terminate", "no_change")
STOCK_STATES = ("available", "reserved", "assigned", "quarantined")
CANCEL_STATES = ("acknowledged", "inProgress", "done", "terminatedWithError")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ProductOrder(Base):
    __tablename__ = "product_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(24), index=True)
    # Why the order is where it is (failed, held, rejected, cancelled): shown to agents and clients.
    state_reason: Mapped[str | None] = mapped_column(sa.String(500))
    external_id: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    # Client-supplied key (``externalId`` or the ``Idempotency-Key`` header): the same key
    # places one order, however often it is sent.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    request_digest: Mapped[str | None] = mapped_column(sa.String(64))
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    billing_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_account.id"), index=True)
    # The parties as the client sent them, for an order whose customer is unknown to us.
    related_party: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    channel: Mapped[str | None] = mapped_column(sa.String(40))  # api, console, portal, kiosk, ussd, sms, ...
    description: Mapped[str | None] = mapped_column(sa.String(500))
    category: Mapped[str | None] = mapped_column(sa.String(60))
    priority: Mapped[str | None] = mapped_column(sa.String(10))
    notes: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    order_date: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    requested_start_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    requested_completion_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completion_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancellation_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancellation_reason: Mapped[str | None] = mapped_column(sa.String(500))
    attempts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    items: Mapped[list[ProductOrderItem]] = relationship(
        back_populates="order", order_by="ProductOrderItem.id", cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint(_in("state", ORDER_STATES), name="state"),)


class ProductOrderItem(Base):
    __tablename__ = "product_order_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("product_order.id", ondelete="CASCADE"), index=True)
    item_ref: Mapped[str] = mapped_column(sa.String(40))  # the client's item id, unique within the order
    action: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str | None] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(24))
    offering_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_offering.id"))
    # The client's reference when it names no offering of ours; validation rejects it.
    offering_ref: Mapped[str | None] = mapped_column(sa.String(100))
    subscription_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscription.id"), index=True)
    product_ref: Mapped[str | None] = mapped_column(sa.String(100))
    # Requested values: MSISDN/ICCID characteristics, target status; what was assigned at completion.
    requested: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    msisdn: Mapped[str | None] = mapped_column(sa.String(16))
    iccid: Mapped[str | None] = mapped_column(sa.String(22))
    provisioning_ref: Mapped[str | None] = mapped_column(sa.String(100))
    quantity: Mapped[int] = mapped_column(default=1)

    order: Mapped[ProductOrder] = relationship(back_populates="items")

    __table_args__ = (
        sa.CheckConstraint(_in("action", ITEM_ACTIONS), name="action"),
        sa.CheckConstraint(_in("state", ORDER_STATES), name="state"),
        sa.UniqueConstraint("order_id", "item_ref", name="uq_product_order_item_ref"),
    )


class OrderStateChange(Base):
    """Every move of an order's state and why: the trail an agent reads before retrying."""

    __tablename__ = "product_order_state_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("product_order.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(sa.String(24))
    to_state: Mapped[str] = mapped_column(sa.String(24))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CancelProductOrder(Base):
    """A request to cancel an order (TMF622 ``cancelProductOrder``), a task with its own state."""

    __tablename__ = "cancel_product_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("product_order.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(sa.String(24))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    error: Mapped[str | None] = mapped_column(sa.String(500))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    requested_cancellation_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    effective_cancellation_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.CheckConstraint(_in("state", CANCEL_STATES), name="state"),)


class _Stock:
    """State shared by pool numbers and SIM cards."""

    state: Mapped[str] = mapped_column(sa.String(12), default="available", index=True)
    batch: Mapped[str | None] = mapped_column(sa.String(60))  # the import it came in with
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_order.id"))  # holder while reserved
    subscription_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscription.id"))  # holder once assigned
    quarantined_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PoolNumber(_Stock, Base):
    """An MSISDN the operator may sell."""

    __tablename__ = "msisdn_pool"

    id: Mapped[int] = mapped_column(primary_key=True)
    msisdn: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # "golden" numbers (777 7777) may be priced; "standard" is anything else.
    category: Mapped[str] = mapped_column(sa.String(20), default="standard")

    __table_args__ = (sa.CheckConstraint(_in("state", STOCK_STATES), name="state"),)


class SimCard(_Stock, Base):
    """A SIM in stock: its ICCID, the IMSI it carries, and where it is."""

    __tablename__ = "sim_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    iccid: Mapped[str] = mapped_column(sa.String(22), unique=True)
    imsi: Mapped[str] = mapped_column(sa.String(15), unique=True)
    location: Mapped[str | None] = mapped_column(sa.String(60))  # warehouse or store

    __table_args__ = (sa.CheckConstraint(_in("state", STOCK_STATES), name="state"),)
