"""Reliability figures as the API returns them."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec


class MttrOut(msgspec.Struct, kw_only=True):
    start: datetime
    end: datetime
    repairs: int
    repair_hours: float
    mttr_hours: float | None


class MtbfRow(msgspec.Struct, kw_only=True):
    key: str
    label: str
    asset_id: uuid.UUID | None
    period_hours: float
    downtime_hours: float
    operating_hours: float
    failures: int
    mtbf_hours: float | None


class ParetoOut(msgspec.Struct, kw_only=True):
    code_id: uuid.UUID
    code: str
    name: str
    count: int
    repair_hours: float
    share: float
    cumulative_share: float


class BacklogRow(msgspec.Struct, kw_only=True):
    priority: str
    work_orders: int
    estimated_hours: float
    unestimated: int
    overdue: int


class BacklogOut(msgspec.Struct, kw_only=True):
    work_orders: int
    estimated_hours: float
    by_priority: list[BacklogRow]


class CostOut(msgspec.Struct, kw_only=True):
    labor_minutes: int
    labor_hours: float
    labor_cost: float
    parts_cost: float
    total_cost: float


class WorkOrderCostOut(CostOut):
    work_order_id: uuid.UUID
    number: str


class AssetCostOut(CostOut):
    asset_id: uuid.UUID
    code: str
    name: str
    work_orders: int
