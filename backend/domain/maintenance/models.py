"""Maintenance tables: work orders, their assignees, checklists, labor, failure codes, comments, attachments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin
from backend.lib.clock import utcnow
from backend.lib.errors import Conflict

_USER_FK = "users.id"


class WorkOrderCounter(Base):
    """The last work-order sequence number handed out per site (numbers are per site)."""

    __tablename__ = "work_order_counters"
    __audit__ = False
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class FailureCode(IdMixin, TimestampMixin, SiteScoped, Base):
    """One problem, cause or remedy code of an asset class ("*" = every class)."""

    __tablename__ = "failure_codes"
    __table_args__ = (UniqueConstraint("site_id", "asset_class", "kind", "code"),)
    asset_class: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChecklistTemplate(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "checklist_templates"
    __table_args__ = (UniqueConstraint("site_id", "asset_class", "name"),)
    asset_class: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    items: Mapped[list[ChecklistTemplateItem]] = relationship(
        cascade="all, delete-orphan",
        order_by="ChecklistTemplateItem.position",
        lazy="selectin",
    )


class ChecklistTemplateItem(IdMixin, SiteScoped, Base):
    __tablename__ = "checklist_template_items"
    template_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    unit: Mapped[str | None] = mapped_column(String(20), default=None)
    lower_limit: Mapped[float | None] = mapped_column(default=None)
    upper_limit: Mapped[float | None] = mapped_column(default=None)


class WorkOrder(IdMixin, TimestampMixin, SiteScoped, Base):
    __tablename__ = "work_orders"
    __table_args__ = (
        UniqueConstraint("site_id", "seq"),
        UniqueConstraint("site_id", "number"),
        UniqueConstraint("pm_plan_id", "pm_occurrence_key"),
        Index("ix_work_orders_site_status", "site_id", "status"),
    )
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    priority: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    estimated_hours: Mapped[float | None] = mapped_column(default=None)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)
    completed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)
    verified_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)
    rejection_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    hold_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    # The downtime event this repair answers; the downtime table lives in another context.
    downtime_event_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    # The PM plan occurrence this work order fulfils; the plan table lives in another context.
    pm_plan_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    pm_occurrence_key: Mapped[str | None] = mapped_column(String(100), default=None)
    checklist_template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="SET NULL"), default=None
    )
    problem_code_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("failure_codes.id"), default=None)
    cause_code_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("failure_codes.id"), default=None)
    remedy_code_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("failure_codes.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    verified_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer)

    assignees: Mapped[list[WorkOrderAssignee]] = relationship(
        cascade="all, delete-orphan", order_by="WorkOrderAssignee.assigned_at", lazy="selectin"
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def assignee_ids(self) -> list[uuid.UUID]:
        return [a.user_id for a in self.assignees]


class WorkOrderAssignee(SiteScoped, Base):
    __tablename__ = "work_order_assignees"
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_USER_FK), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)


class WorkOrderChecklistItem(IdMixin, TimestampMixin, SiteScoped, Base):
    """A checklist item copied onto a work order; ids may be minted by the client."""

    __tablename__ = "work_order_checklist_items"
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    template_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checklist_template_items.id", ondelete="SET NULL"), default=None
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    unit: Mapped[str | None] = mapped_column(String(20), default=None)
    lower_limit: Mapped[float | None] = mapped_column(default=None)
    upper_limit: Mapped[float | None] = mapped_column(default=None)
    value_bool: Mapped[bool | None] = mapped_column(Boolean, default=None)
    value_number: Mapped[float | None] = mapped_column(default=None)
    value_text: Mapped[str | None] = mapped_column(Text, default=None)
    out_of_limits: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}


class WorkOrderLabor(IdMixin, TimestampMixin, SiteScoped, Base):
    """Time worked on a work order; a running timer has no end yet (one per user)."""

    __tablename__ = "work_order_labor"
    __table_args__ = (
        Index(
            "uq_work_order_labor_running_user",
            "user_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_USER_FK), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    # The worker's rate when the work was done, so later rate changes do not rewrite costs.
    hourly_rate: Mapped[float] = mapped_column(default=0.0)
    source: Mapped[str] = mapped_column(String(10), default="timer")
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}


class WorkOrderComment(IdMixin, SiteScoped, Base):
    """Append-only: rows are never updated or deleted (enforced below)."""

    __tablename__ = "work_order_comments"
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkOrderAttachment(IdMixin, SiteScoped, Base):
    """A file stored at `<attachments_dir>/<site_id>/<id>`; the bytes decided its content type."""

    __tablename__ = "work_order_attachments"
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    checklist_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("work_order_checklist_items.id", ondelete="SET NULL"), default=None
    )
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER_FK), default=None)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def storage_key(self) -> str:
        return f"{self.site_id}/{self.id}"


@event.listens_for(WorkOrderComment, "before_update")
@event.listens_for(WorkOrderComment, "before_delete")
def _comments_are_append_only(_mapper: Any, _connection: Any, _target: WorkOrderComment) -> None:
    raise Conflict("comments are append-only: they cannot be edited or deleted")


__all__ = [
    "ChecklistTemplate",
    "ChecklistTemplateItem",
    "FailureCode",
    "WorkOrder",
    "WorkOrderAssignee",
    "WorkOrderAttachment",
    "WorkOrderChecklistItem",
    "WorkOrderComment",
    "WorkOrderCounter",
    "WorkOrderLabor",
]
