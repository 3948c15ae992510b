"""The asset table: one row per area, line, machine or component, under a site."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class Asset(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "assets"
    __table_args__ = (
        UniqueConstraint("site_id", "code"),
        Index("ix_assets_path", "path"),
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), default=None, index=True)
    # Materialized path of ancestor ids ("/a/b/c/" ending with this row's id): subtree = prefix match.
    path: Mapped[str] = mapped_column(String(2000))
    level: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    asset_class: Mapped[str | None] = mapped_column(String(80), default=None)
    criticality: Mapped[str] = mapped_column(String(10), default="medium")
    manufacturer: Mapped[str | None] = mapped_column(String(120), default=None)
    model: Mapped[str | None] = mapped_column(String(120), default=None)
    serial: Mapped[str | None] = mapped_column(String(120), default=None)
    install_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="operational")
    label_token: Mapped[str] = mapped_column(String(64), unique=True)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2
