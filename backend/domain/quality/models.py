"""Tables for defect codes, inspection plans and characteristics, checks, nonconformances and holds."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class DefectCode(IdMixin, TimestampMixin, SiteScoped, Base):
    """A defect code of a product family ('*': every family)."""

    __tablename__ = "defect_codes"
    __table_args__ = (UniqueConstraint("site_id", "family", "code"),)
    family: Mapped[str] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InspectionPlan(IdMixin, TimestampMixin, SiteScoped, Base):
    """What to check on a product at one routing operation. A new plan for the same product and
    operation supersedes the active one (checks keep pointing at the characteristics they used)."""

    __tablename__ = "inspection_plans"
    __table_args__ = (Index("ix_inspection_plans_product_seq", "product_id", "operation_seq"),)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    operation_seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Characteristic(IdMixin, SiteScoped, Base):
    __tablename__ = "inspection_characteristics"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("inspection_plans.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    nominal: Mapped[float | None] = mapped_column(Float, default=None)
    lower_limit: Mapped[float | None] = mapped_column(Float, default=None)
    upper_limit: Mapped[float | None] = mapped_column(Float, default=None)
    unit: Mapped[str | None] = mapped_column(String(20), default=None)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    accepted: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    frequency: Mapped[str] = mapped_column(String(20), default="first_article")
    frequency_n: Mapped[int | None] = mapped_column(Integer, default=None)
    subgroup_size: Mapped[int] = mapped_column(Integer, default=1)
    defect_code: Mapped[str] = mapped_column(String(60))
    hold_on_fail: Mapped[bool] = mapped_column(Boolean, default=True)


class QualityCheck(IdMixin, SiteScoped, Base):
    """One check of a characteristic on an operation, filling sample `slot` (1, 2, …).
    The latest check of a slot decides it (a re-check after rework replaces a failed one)."""

    __tablename__ = "quality_checks"
    __table_args__ = (
        Index("ix_quality_checks_operation", "operation_id", "characteristic_id", "slot"),
        Index("ix_quality_checks_characteristic_at", "characteristic_id", "taken_at"),
    )
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_operations.id"))
    characteristic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection_characteristics.id"))
    slot: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    measurements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attribute_value: Mapped[str | None] = mapped_column(String(120), default=None)
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200), default=None)


class Nonconformance(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "nonconformances"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        Index("ix_nonconformances_status", "status"),
    )
    number: Mapped[str] = mapped_column(String(40))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("production_orders.id"), default=None)
    operation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("order_operations.id"), default=None)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lots.id"), default=None, index=True)
    check_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("quality_checks.id"), default=None)
    characteristic_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("inspection_characteristics.id"), default=None
    )
    defect_code: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[float | None] = mapped_column(Float, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    opened_at: Mapped[datetime]
    opened_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    disposition: Mapped[str | None] = mapped_column(String(20), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    close_note: Mapped[str | None] = mapped_column(String(500), default=None)


class LotHold(IdMixin, SiteScoped, Base):
    """A hold on a lot; the lot is on hold while any of its holds is not released."""

    __tablename__ = "lot_holds"
    __table_args__ = (Index("ix_lot_holds_lot_released", "lot_id", "released_at"),)
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"))
    reason: Mapped[str] = mapped_column(String(200))
    nonconformance_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("nonconformances.id"), default=None
    )
    placed_at: Mapped[datetime]
    placed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    released_at: Mapped[datetime | None] = mapped_column(default=None)
    released_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    release_note: Mapped[str | None] = mapped_column(String(500), default=None)


__all__ = ["Characteristic", "DefectCode", "InspectionPlan", "LotHold", "Nonconformance", "QualityCheck"]
