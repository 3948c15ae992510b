"""Shift calendars, non-working days, planned downtime windows and the per-site OEE policy."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class ShiftPattern(IdMixin, TimestampMixin, SiteScoped, Base):
    """A recurring shift of a line (or of every line of the site when `line_id` is empty)."""

    __tablename__ = "shift_patterns"
    line_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), default=None
    )
    name: Mapped[str] = mapped_column(String(60))
    weekdays: Mapped[list[int]] = mapped_column(JSON)
    start_time: Mapped[time] = mapped_column(Time)
    hours: Mapped[float] = mapped_column(Float)
    breaks: Mapped[list[list[float]]] = mapped_column(JSON, default=list)


class NonWorkingDay(IdMixin, SiteScoped, Base):
    __tablename__ = "non_working_days"
    __table_args__ = (UniqueConstraint("site_id", "day"),)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(120), default="")


class PlannedDowntime(IdMixin, TimestampMixin, SiteScoped, Base):
    """A window in which a line or machine is not planned to produce (PM, changeover, no orders)."""

    __tablename__ = "planned_downtime"
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(200), default="")


class OeePolicy(IdMixin, SiteScoped, Base):
    """Where conventions differ, the site declares its choice; every figure shows it."""

    __tablename__ = "oee_policies"
    __table_args__ = (UniqueConstraint("site_id"),)
    micro_stops: Mapped[str] = mapped_column(String(20), default="performance")
    pm_windows_planned: Mapped[bool] = mapped_column(Boolean, default=True)
