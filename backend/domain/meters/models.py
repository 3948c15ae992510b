"""Meter tables: one row per meter of an asset (its running usage) and its readings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class Meter(IdMixin, TimestampMixin, SiteScoped, Base):
    """A named meter of an asset ("run_hours", "cycles"): the last raw value and the usage total.

    `total` is the usage the meter has counted since its first reading, resets included, so it
    only ever grows; meter-based PM plans count against it.
    """

    __tablename__ = "meters"
    __audit__ = False
    __table_args__ = (UniqueConstraint("asset_id", "name"),)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    last_value: Mapped[float] = mapped_column(Float)
    last_at: Mapped[datetime]
    total: Mapped[float] = mapped_column(Float)
    resets: Mapped[int] = mapped_column(Integer, default=0)


class MeterReading(IdMixin, SiteScoped, Base):
    """One reading: the raw value shown, what it added (`delta`) and the usage total after it."""

    __tablename__ = "meter_readings"
    __audit__ = False
    __table_args__ = (
        Index("ix_meter_readings_meter_at", "meter_id", "at"),
        Index("ix_meter_readings_meter_total", "meter_id", "total"),
    )
    meter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meters.id", ondelete="CASCADE"))
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    value: Mapped[float] = mapped_column(Float)
    delta: Mapped[float] = mapped_column(Float)
    total: Mapped[float] = mapped_column(Float)
    reset: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid(), default=None)
    recorded_at: Mapped[datetime]


__all__ = ["Meter", "MeterReading"]
