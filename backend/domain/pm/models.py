"""PM tables: plans, their occurrences (one per due date, threshold or condition episode) and the
condition rules' running state per asset."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin


class PmPlan(IdMixin, TimestampMixin, SiteScoped, Base):
    """A preventive plan on one asset, or on every asset of a class under a subtree.

    Calendar plans use `every`/`unit`/`schedule`/`starts_at`; meter plans `meter`,
    `meter_interval`, `meter_lead`, `meter_start`; condition plans `signal`, `operator`,
    `threshold`, `duration_s`. Nothing is generated for what fell due before `effective_from`
    (creation, or the last resume).
    """

    __tablename__ = "pm_plans"
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(12))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), default=None, index=True)
    asset_class: Mapped[str | None] = mapped_column(String(80), default=None)
    under_asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), default=None)
    checklist_template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="SET NULL"), default=None
    )
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    estimated_hours: Mapped[float | None] = mapped_column(Float, default=None)
    every: Mapped[int | None] = mapped_column(Integer, default=None)
    unit: Mapped[str | None] = mapped_column(String(8), default=None)
    schedule: Mapped[str | None] = mapped_column(String(10), default=None)
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    meter: Mapped[str | None] = mapped_column(String(80), default=None)
    meter_interval: Mapped[float | None] = mapped_column(Float, default=None)
    meter_lead: Mapped[float] = mapped_column(Float, default=0.0)
    meter_start: Mapped[float | None] = mapped_column(Float, default=None)
    signal: Mapped[str | None] = mapped_column(String(80), default=None)
    operator: Mapped[str | None] = mapped_column(String(2), default=None)
    threshold: Mapped[float | None] = mapped_column(Float, default=None)
    duration_s: Mapped[int | None] = mapped_column(Integer, default=None)
    lead_days: Mapped[int] = mapped_column(Integer, default=0)
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    due_in_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    effective_from: Mapped[datetime]
    paused_at: Mapped[datetime | None] = mapped_column(default=None)


class PmOccurrence(IdMixin, TimestampMixin, SiteScoped, Base):
    """One occurrence of a plan on one asset: its work order, or why it was skipped.

    `key` names the occurrence (asset and due date, meter threshold or condition episode);
    (plan_id, key) is unique, so racing generators cannot record an occurrence twice.
    """

    __tablename__ = "pm_occurrences"
    __audit__ = False
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        Index("ix_pm_occurrences_plan_asset_due", "plan_id", "asset_id", "due_at"),
        Index("ix_pm_occurrences_site_due", "site_id", "due_at"),
    )
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pm_plans.id", ondelete="CASCADE"))
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime]
    grace_until: Mapped[datetime]
    triggered_at: Mapped[datetime]
    generated_at: Mapped[datetime | None] = mapped_column(default=None)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("work_orders.id", ondelete="SET NULL"), default=None, index=True
    )
    reason: Mapped[str | None] = mapped_column(String(200), default=None)
    meter_due: Mapped[float | None] = mapped_column(Float, default=None)
    episode_start: Mapped[datetime | None] = mapped_column(default=None)


class PmConditionState(Base):
    """A condition plan's running episode on one asset (see `rules.advance`)."""

    __tablename__ = "pm_condition_states"
    __audit__ = False
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pm_plans.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    episode_start: Mapped[datetime | None] = mapped_column(default=None)
    fired: Mapped[bool] = mapped_column(Boolean, default=False)
    last_at: Mapped[datetime | None] = mapped_column(default=None)


__all__ = ["PmConditionState", "PmOccurrence", "PmPlan"]
