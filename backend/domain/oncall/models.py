"""The on-call rota table: one row per person on call for a site, or for one area of it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class OnCallShift(IdMixin, TimestampMixin, SiteScoped, Base):
    """`user_id` is on call from `starts_at` (inclusive) to `ends_at` (exclusive); an entry with an
    `area_id` covers that area only and wins over a site-wide entry (`area_id` null)."""

    __tablename__ = "oncall_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_oncall_shifts_site_window", "site_id", "starts_at", "ends_at"),
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), default=None, index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(200), default=None)


__all__ = ["OnCallShift"]
