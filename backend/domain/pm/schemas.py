"""PM payloads: plans, occurrences, compliance, the generator's report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

import msgspec

from backend.domain.maintenance.rules import Priority
from backend.domain.pm.rules import IntervalUnit, Operator, PlanKind, Schedule
from backend.lib.schema import Input, LongText, Name, Output

AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
AssetClass = Annotated[
    str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
]
SignalName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")
]
Days = Annotated[int, msgspec.Meta(ge=0, le=3650)]
Every = Annotated[int, msgspec.Meta(ge=1, le=1000)]
Amount = Annotated[float, msgspec.Meta(ge=0, le=1e12)]
Positive = Annotated[float, msgspec.Meta(gt=0, le=1e12)]
Limit = Annotated[float, msgspec.Meta(ge=-1e12, le=1e12)]
Seconds = Annotated[int, msgspec.Meta(ge=0, le=90 * 86400)]
Hours = Annotated[float, msgspec.Meta(ge=0, le=10_000)]


class PlanCreate(Input):
    """A plan on `asset_id`, or on every asset of `asset_class` (under `under_asset_id` when
    given, else on the whole site `site_id`). Fields of the other kinds must be left out."""

    name: Name
    kind: PlanKind
    site_id: uuid.UUID | None = None
    description: LongText = ""
    asset_id: uuid.UUID | None = None
    asset_class: AssetClass | None = None
    under_asset_id: uuid.UUID | None = None
    checklist_template_id: uuid.UUID | None = None
    priority: Priority = Priority.MEDIUM
    estimated_hours: Hours | None = None
    every: Every | None = None
    unit: IntervalUnit | None = None
    schedule: Schedule | None = None
    starts_at: AwareDatetime | None = None
    meter: SignalName | None = None
    meter_interval: Positive | None = None
    meter_lead: Amount | None = None
    meter_start: Amount | None = None
    signal: SignalName | None = None
    operator: Operator | None = None
    threshold: Limit | None = None
    duration_s: Seconds | None = None
    lead_days: Days = 0
    grace_days: Days = 0
    due_in_days: Days = 0


class PlanUpdate(Input):
    """What may change on a plan; its kind and its assets stay (make a new plan for those)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    checklist_template_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    priority: Priority | msgspec.UnsetType = msgspec.UNSET
    estimated_hours: Hours | msgspec.UnsetType | None = msgspec.UNSET
    every: Every | msgspec.UnsetType = msgspec.UNSET
    unit: IntervalUnit | msgspec.UnsetType = msgspec.UNSET
    schedule: Schedule | msgspec.UnsetType = msgspec.UNSET
    starts_at: AwareDatetime | msgspec.UnsetType = msgspec.UNSET
    meter_interval: Positive | msgspec.UnsetType = msgspec.UNSET
    meter_lead: Amount | msgspec.UnsetType = msgspec.UNSET
    operator: Operator | msgspec.UnsetType = msgspec.UNSET
    threshold: Limit | msgspec.UnsetType = msgspec.UNSET
    duration_s: Seconds | msgspec.UnsetType = msgspec.UNSET
    lead_days: Days | msgspec.UnsetType = msgspec.UNSET
    grace_days: Days | msgspec.UnsetType = msgspec.UNSET
    due_in_days: Days | msgspec.UnsetType = msgspec.UNSET


class PlanOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    description: str
    kind: str
    asset_id: uuid.UUID | None
    asset_class: str | None
    under_asset_id: uuid.UUID | None
    checklist_template_id: uuid.UUID | None
    priority: str
    estimated_hours: float | None
    every: int | None
    unit: str | None
    schedule: str | None
    starts_at: datetime | None
    meter: str | None
    meter_interval: float | None
    meter_lead: float
    meter_start: float | None
    signal: str | None
    operator: str | None
    threshold: float | None
    duration_s: int | None
    lead_days: int
    grace_days: int
    due_in_days: int
    active: bool
    effective_from: datetime
    paused_at: datetime | None
    created_at: datetime
    updated_at: datetime


class OccurrenceOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    plan_id: uuid.UUID
    asset_id: uuid.UUID
    key: str
    status: str
    state: str
    due_at: datetime
    grace_until: datetime
    triggered_at: datetime
    generated_at: datetime | None
    work_order_id: uuid.UUID | None
    work_order_status: str | None
    completed_at: datetime | None
    reason: str | None
    meter_due: float | None
    episode_start: datetime | None


class ComplianceFigure(msgspec.Struct, kw_only=True):
    """`compliance` = on_time / decided, decided = on_time + late + overdue (None when 0)."""

    compliance: float | None
    decided: int
    on_time: int
    late: int
    overdue: int
    open: int
    cancelled: int
    skipped: int
    pending: int


class SiteCompliance(ComplianceFigure, kw_only=True):
    site_id: uuid.UUID


class AssetCompliance(ComplianceFigure, kw_only=True):
    site_id: uuid.UUID
    asset_id: uuid.UUID


class ComplianceOut(msgspec.Struct, kw_only=True):
    period_from: datetime
    period_to: datetime
    as_of: datetime
    overall: ComplianceFigure
    sites: list[SiteCompliance]
    assets: list[AssetCompliance]


@dataclass
class GeneratorReport:
    """One generator pass: occurrences recorded with a work order, recorded as skipped, found
    already recorded by a concurrent pass, and plans whose pass failed (logged, retried next run)."""

    plans: int = 0
    generated: int = 0
    skipped: int = 0
    already: int = 0
    failed: list[uuid.UUID] = field(default_factory=list)
