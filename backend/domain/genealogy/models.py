"""Tables for lots and serials, the consumed→produced links between them, and shipments."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class Lot(IdMixin, TimestampMixin, SiteScoped, Base):
    """A lot (or a serial, quantity 1) of one product: received from a supplier or produced by an
    operation. `on_hold` lots cannot be consumed or shipped until a quality role releases them."""

    __tablename__ = "lots"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        Index("ix_lots_supplier_lot", "supplier_lot"),
    )
    number: Mapped[str] = mapped_column(String(80))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    tracking: Mapped[str] = mapped_column(String(10), default="lot")
    origin: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="available")
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    quantity: Mapped[float] = mapped_column(Float, default=0.0)
    quantity_on_hand: Mapped[float] = mapped_column(Float, default=0.0)
    supplier: Mapped[str | None] = mapped_column(String(120), default=None)
    supplier_lot: Mapped[str | None] = mapped_column(String(80), default=None)
    received_at: Mapped[datetime | None] = mapped_column(default=None)
    produced_at: Mapped[datetime | None] = mapped_column(default=None)
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("production_orders.id"), default=None)
    operation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("order_operations.id"), default=None, index=True
    )


class LotLink(IdMixin, SiteScoped, Base):
    """`quantity` of the parent (input) lot went into the child (output) lot."""

    __tablename__ = "lot_links"
    __audit__ = False
    __table_args__ = (
        Index("ix_lot_links_child_parent", "child_lot_id", "parent_lot_id"),
        Index("ix_lot_links_parent_child", "parent_lot_id", "child_lot_id"),
    )
    parent_lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"))
    child_lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[float] = mapped_column(Float)
    operation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("order_operations.id"), default=None)
    at: Mapped[datetime]


class Shipment(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("site_id", "number"),)
    number: Mapped[str] = mapped_column(String(60))
    customer: Mapped[str] = mapped_column(String(200))
    shipped_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(200), default=None)


class ShipmentLine(IdMixin, SiteScoped, Base):
    """A shipment consumes (part of) a finished lot."""

    __tablename__ = "shipment_lines"
    shipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[float] = mapped_column(Float)


__all__ = ["Lot", "LotLink", "Shipment", "ShipmentLine"]
