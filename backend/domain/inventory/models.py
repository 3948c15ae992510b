"""Spare-parts tables: parts, storerooms, bins, the stock ledger and what is derived from it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin
from backend.lib.clock import utcnow


class Part(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "parts"
    __table_args__ = (UniqueConstraint("site_id", "number"),)
    number: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="each")
    unit_cost: Mapped[float] = mapped_column(default=0.0)
    supplier: Mapped[str | None] = mapped_column(String(200), default=None)
    supplier_part_number: Mapped[str | None] = mapped_column(String(120), default=None)
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    label_token: Mapped[str] = mapped_column(String(64), unique=True)


class Storeroom(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "storerooms"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Bin(IdMixin, TimestampMixin, SiteScoped, Base):
    """A shelf place in a storeroom; `site_id` repeats the storeroom's so bins are scoped too."""

    __tablename__ = "bins"
    __table_args__ = (UniqueConstraint("storeroom_id", "code"),)
    storeroom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("storerooms.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    label_token: Mapped[str] = mapped_column(String(64), unique=True)


class StockBalance(SiteScoped, Base):
    """On hand and reserved per (part, bin), kept in step with the ledger in the same
    transaction; its row is the lock that serialises withdrawals from a bin."""

    __tablename__ = "stock_balances"
    __audit__ = False
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parts.id"), primary_key=True)
    bin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bins.id"), primary_key=True, index=True)
    storeroom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("storerooms.id"), index=True)
    on_hand: Mapped[float] = mapped_column(default=0.0)
    reserved: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StockMovement(IdMixin, TimestampMixin, SiteScoped, Base):
    """One line of the stock ledger. Rows are only ever inserted: corrections are new rows.

    `quantity` is signed (what the movement adds to on hand). `(device_id, mutation_id)` is
    the key of a delta sent by a device, unique so a retried delta is never counted twice;
    a transfer carries it on its `transfer_out` leg.
    """

    __tablename__ = "stock_movements"
    __audit__ = False
    __table_args__ = (
        UniqueConstraint("device_id", "mutation_id"),
        Index("ix_stock_movements_part_bin", "part_id", "bin_id"),
    )
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parts.id"))
    bin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bins.id"))
    storeroom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("storerooms.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[float]
    unit_cost: Mapped[float] = mapped_column(default=0.0)
    on_hand_after: Mapped[float]
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("work_orders.id"), default=None, index=True
    )
    reservation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stock_reservations.id"), default=None
    )
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    note: Mapped[str | None] = mapped_column(String(2000), default=None)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    mutation_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]


class StockReservation(IdMixin, TimestampMixin, SiteScoped, Base):
    """Parts set aside in a bin for a work order; open while `remaining` is above zero."""

    __tablename__ = "stock_reservations"
    __table_args__ = (Index("ix_stock_reservations_part_bin", "part_id", "bin_id", "status"),)
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parts.id"))
    bin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bins.id"))
    storeroom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("storerooms.id"))
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), index=True)
    quantity: Mapped[float]
    issued_quantity: Mapped[float] = mapped_column(default=0.0)
    released_quantity: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(String(20), default="open")
    reserved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    note: Mapped[str | None] = mapped_column(String(2000), default=None)
    reserved_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def remaining(self) -> float:
        return max(self.quantity - self.issued_quantity - self.released_quantity, 0.0)


class StockDiscrepancy(IdMixin, TimestampMixin, SiteScoped, Base):
    """A late offline delta that left a bin's on hand below zero: kept, and flagged here."""

    __tablename__ = "stock_discrepancies"
    __table_args__ = (Index("ix_stock_discrepancies_status", "site_id", "status"),)
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parts.id"), index=True)
    bin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bins.id"))
    storeroom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("storerooms.id"), index=True)
    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_movements.id"), unique=True)
    shortfall: Mapped[float]
    on_hand_after: Mapped[float]
    status: Mapped[str] = mapped_column(String(20), default="open")
    raised_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolution_movement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stock_movements.id"), default=None
    )
    resolution_note: Mapped[str | None] = mapped_column(String(500), default=None)


class ReorderPoint(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "reorder_points"
    __table_args__ = (UniqueConstraint("part_id", "storeroom_id"),)
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"), index=True)
    storeroom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("storerooms.id"), index=True)
    reorder_point: Mapped[float]
    reorder_quantity: Mapped[float]


class LedgerIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a stock movement."""


@event.listens_for(StockMovement, "before_update")
@event.listens_for(StockMovement, "before_delete")
def _refuse_rewrite(_mapper: Mapper[StockMovement], _conn: Connection, target: StockMovement) -> None:
    raise LedgerIsAppendOnly(f"stock movement {target.id} is history and cannot be changed")


__all__ = [
    "Bin",
    "LedgerIsAppendOnly",
    "Part",
    "ReorderPoint",
    "StockBalance",
    "StockDiscrepancy",
    "StockMovement",
    "StockReservation",
    "Storeroom",
]
