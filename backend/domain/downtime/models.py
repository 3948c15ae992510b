"""Downtime events and the per-site reason tree."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class DowntimeEvent(IdMixin, TimestampMixin, SiteScoped, Base):
    """An unplanned stop of a machine. Its reason comes from exactly one source: the linked work
    order's failure codes when there is one, otherwise an operator's classification."""

    __tablename__ = "downtime_events"
    __table_args__ = (
        Index("ix_downtime_events_asset_started", "asset_id", "started_at"),
        UniqueConstraint("asset_id", "started_at"),
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    fault_code: Mapped[int | None] = mapped_column(Integer, default=None)
    reason_code: Mapped[str | None] = mapped_column(String(80), default=None)
    reason_label: Mapped[str | None] = mapped_column(String(200), default=None)
    reason_source: Mapped[str | None] = mapped_column(String(20), default=None)
    classified_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    ticket_raised_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    def duration_s(self, now: datetime) -> float:
        return ((self.ended_at or now) - self.started_at).total_seconds()


class DowntimeReason(IdMixin, TimestampMixin, SiteScoped, Base):
    """A node of the site's reason tree (machine / material / people / method and children)."""

    __tablename__ = "downtime_reasons"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    code: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("downtime_reasons.id"), default=None)
    active: Mapped[bool] = mapped_column(default=True)
