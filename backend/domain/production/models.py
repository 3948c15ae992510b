"""Tables for products, BOMs, versioned routings, line settings, production orders and their execution."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class Product(IdMixin, TimestampMixin, SiteScoped, Base):
    """Anything made or bought: raw material, component, intermediate or finished good."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("site_id", "sku"),)
    sku: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    # Defect codes are kept per product family.
    family: Mapped[str] = mapped_column(String(60), default="general")
    purchased: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BomLine(IdMixin, SiteScoped, Base):
    """One component of a product: `qty_per_unit` of the component per unit of the product,
    consumed at the routing operation `operation_seq` (None: the first operation)."""

    __tablename__ = "bom_lines"
    __table_args__ = (UniqueConstraint("product_id", "component_id"),)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    component_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    qty_per_unit: Mapped[float] = mapped_column(Float)
    operation_seq: Mapped[int | None] = mapped_column(Integer, default=None)


class Routing(IdMixin, TimestampMixin, SiteScoped, Base):
    """A version of how a product is made. Draft versions are edited; released ones never are."""

    __tablename__ = "routings"
    __table_args__ = (UniqueConstraint("product_id", "version"),)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    released_at: Mapped[datetime | None] = mapped_column(default=None)


class RoutingOperation(IdMixin, SiteScoped, Base):
    """A step of a routing, on a work center (a line or machine asset; None: the order's line)."""

    __tablename__ = "routing_operations"
    __table_args__ = (UniqueConstraint("routing_id", "seq"),)
    routing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routings.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    work_center_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), default=None)
    ideal_cycle_s: Mapped[float] = mapped_column(Float)
    setup_s: Mapped[float] = mapped_column(Float, default=0.0)


class LineSettings(TimestampMixin, SiteScoped, Base):
    """Production-side settings of a line asset: how its good and scrap counts arrive."""

    __tablename__ = "line_settings"
    __table_args__ = (CheckConstraint("counting_mode IN ('manual', 'machine')", name="counting_mode"),)
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    counting_mode: Mapped[str] = mapped_column(String(20), default="manual")


class ProductionOrder(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "production_orders"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        Index("ix_production_orders_line_status", "line_id", "status"),
    )
    number: Mapped[str] = mapped_column(String(60))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    routing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routings.id"), index=True)
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    released_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(200), default=None)


class OrderOperation(IdMixin, TimestampMixin, SiteScoped, Base):
    """One routing step of one order, as executed on the shop floor; it produces one lot
    (the lot row names its operation)."""

    __tablename__ = "order_operations"
    __table_args__ = (
        UniqueConstraint("order_id", "seq"),
        Index("ix_order_operations_line_status", "line_id", "status"),
        Index("ix_order_operations_work_center_started", "work_center_id", "started_at"),
    )
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("production_orders.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"))
    work_center_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"))
    ideal_cycle_s: Mapped[float] = mapped_column(Float)
    setup_s: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class OperationPause(IdMixin, SiteScoped, Base):
    __tablename__ = "operation_pauses"
    operation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("order_operations.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)


class CountEvent(IdMixin, SiteScoped, Base):
    """The one ledger of good and scrap counts, manual or from a machine.

    A line counts either manually or by machine, never both; `idempotency_key` makes every
    delivery count once. A reclassification moves units from good to scrap (total unchanged).
    """

    __tablename__ = "count_events"
    __audit__ = False
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        CheckConstraint("source IN ('manual', 'machine')", name="source"),
        CheckConstraint("kind IN ('count', 'reclassification')", name="kind"),
        Index("ix_count_events_operation", "operation_id"),
        Index("ix_count_events_line_at", "line_id", "at"),
    )
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"))
    machine_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), default=None)
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("production_orders.id"), default=None)
    operation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("order_operations.id"), default=None)
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"), default=None)
    good: Mapped[int] = mapped_column(Integer, default=0)
    scrap: Mapped[int] = mapped_column(Integer, default=0)
    defect_code: Mapped[str | None] = mapped_column(String(60), default=None)
    source: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20), default="count")
    at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    idempotency_key: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(200), default=None)


class LaborEntry(IdMixin, SiteScoped, Base):
    """Who ran an operation, from when to when."""

    __tablename__ = "labor_entries"
    operation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("order_operations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class MaterialConsumption(IdMixin, SiteScoped, Base):
    """A lot (scanned or picked) consumed by an operation."""

    __tablename__ = "material_consumptions"
    operation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("order_operations.id", ondelete="CASCADE"), index=True
    )
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(10), default="scan")
    at: Mapped[datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)


__all__ = [
    "BomLine",
    "CountEvent",
    "LaborEntry",
    "LineSettings",
    "MaterialConsumption",
    "OperationPause",
    "OrderOperation",
    "Product",
    "ProductionOrder",
    "Routing",
    "RoutingOperation",
]
