"""Maintenance payloads: work orders, requests, transitions, checklists, labor, codes, comments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from backend.domain.maintenance.rules import CodeKind, ItemKind, Priority, Status, WorkOrderType
from backend.lib.schema import Code, Input, LongText, Name, Output, ShortText

AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
Hours = Annotated[float, msgspec.Meta(ge=0, le=10_000)]
AssetClass = Annotated[
    str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9._\-]*)$")
]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Unit = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
AnswerValue = bool | float | str | None


class WorkOrderCreate(Input):
    asset_id: uuid.UUID
    title: Name
    id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None
    description: LongText = ""
    type: WorkOrderType = WorkOrderType.CORRECTIVE
    priority: Priority = Priority.MEDIUM
    due_at: AwareDatetime | None = None
    estimated_hours: Hours | None = None
    assignee_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    checklist_template_id: uuid.UUID | None = None
    downtime_event_id: uuid.UUID | None = None
    pm_plan_id: uuid.UUID | None = None
    pm_occurrence_key: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None


class WorkRequestCreate(Input):
    """A work request anyone on the site may raise; a planner approves or rejects it."""

    asset_id: uuid.UUID
    title: Name
    id: uuid.UUID | None = None
    description: LongText = ""
    priority: Priority = Priority.MEDIUM


class AssignIn(Input):
    user_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=20)]


class TransitionIn(Input):
    to: Status
    reason: Reason | None = None
    note: LongText | None = None


class TemplateItemIn(Input):
    kind: ItemKind
    label: Name
    required: bool = True
    unit: Unit | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None


class ChecklistTemplateCreate(Input):
    site_id: uuid.UUID
    asset_class: AssetClass
    name: Name
    items: Annotated[list[TemplateItemIn], msgspec.Meta(min_length=1, max_length=200)]


class ChecklistTemplateUpdate(Input):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    items: Annotated[list[TemplateItemIn], msgspec.Meta(min_length=1, max_length=200)] | msgspec.UnsetType = (
        msgspec.UNSET
    )


class ChecklistItemAdd(TemplateItemIn):
    id: uuid.UUID | None = None


class ChecklistAnswer(Input):
    value: AnswerValue


class LaborAdd(Input):
    started_at: AwareDatetime
    ended_at: AwareDatetime
    user_id: uuid.UUID | None = None
    note: ShortText | None = None
    id: uuid.UUID | None = None


class LaborStart(Input):
    note: ShortText | None = None
    id: uuid.UUID | None = None


class FailureCodeCreate(Input):
    site_id: uuid.UUID
    asset_class: AssetClass
    kind: CodeKind
    code: Code
    name: Name


class FailureCodeUpdate(Input):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class FailureCodesSet(Input):
    problem_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    cause_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    remedy_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET


class CommentCreate(Input):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
    id: uuid.UUID | None = None


class WorkOrderOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    number: str
    type: str
    status: str
    title: str
    description: str
    asset_id: uuid.UUID
    priority: str
    due_at: datetime | None
    estimated_hours: float | None
    assignee_ids: list[uuid.UUID]
    requested_by: uuid.UUID | None
    approved_by: uuid.UUID | None
    completed_by: uuid.UUID | None
    verified_by: uuid.UUID | None
    rejection_reason: str | None
    hold_reason: str | None
    cancel_reason: str | None
    downtime_event_id: uuid.UUID | None
    pm_plan_id: uuid.UUID | None
    pm_occurrence_key: str | None
    checklist_template_id: uuid.UUID | None
    problem_code_id: uuid.UUID | None
    cause_code_id: uuid.UUID | None
    remedy_code_id: uuid.UUID | None
    created_at: datetime
    approved_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    verified_at: datetime | None
    cancelled_at: datetime | None
    version: int


class ChecklistItemOut(Output):
    id: uuid.UUID
    work_order_id: uuid.UUID
    position: int
    kind: str
    label: str
    required: bool
    unit: str | None
    lower_limit: float | None
    upper_limit: float | None
    value: AnswerValue
    out_of_limits: bool
    answered_at: datetime | None
    answered_by: uuid.UUID | None
    version: int


class LaborOut(Output):
    id: uuid.UUID
    work_order_id: uuid.UUID
    user_id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None
    minutes: int | None
    source: str
    note: str | None
    version: int


class WorkOrderDetail(WorkOrderOut):
    checklist: list[ChecklistItemOut]
    labor: list[LaborOut]


class WorkOrderPage(msgspec.Struct, kw_only=True):
    items: list[WorkOrderOut]
    next_cursor: str | None = None


class TemplateItemOut(Output):
    id: uuid.UUID
    position: int
    kind: str
    label: str
    required: bool
    unit: str | None
    lower_limit: float | None
    upper_limit: float | None


class ChecklistTemplateOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    asset_class: str
    name: str
    active: bool
    items: list[TemplateItemOut]


class FailureCodeOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    asset_class: str
    kind: str
    code: str
    name: str
    active: bool


class CommentOut(Output):
    id: uuid.UUID
    work_order_id: uuid.UUID
    author_id: uuid.UUID | None
    body: str
    created_at: datetime


class AttachmentOut(Output):
    id: uuid.UUID
    work_order_id: uuid.UUID
    checklist_item_id: uuid.UUID | None
    uploaded_by: uuid.UUID | None
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
