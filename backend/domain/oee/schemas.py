"""OEE payloads: figures with the inputs they came from, calendars and policy."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

import msgspec

from backend.lib.schema import Input, Output

Weekday = Annotated[int, msgspec.Meta(ge=0, le=6)]


class PolicyOut(msgspec.Struct, kw_only=True):
    micro_stops: str
    pm_windows_planned: bool
    explanation: str


class PolicyIn(Input):
    micro_stops: Literal["performance", "availability"] = "performance"
    pm_windows_planned: bool = True


class Inputs(msgspec.Struct, kw_only=True):
    planned_time_s: float
    run_time_s: float
    micro_stops_s: float
    downtime_s: float
    unknown_s: float
    good: int
    scrap: int
    ideal_cycle_s: float | None
    ideal_cycle_source: str
    policy: PolicyOut


class FigureOut(msgspec.Struct, kw_only=True):
    asset_id: uuid.UUID
    scope: str  # machine, line or site
    label: str  # the shift name, the day or the week
    start: datetime
    end: datetime
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None
    inputs: Inputs
    loss_tree: dict[str, float]


class LossOut(msgspec.Struct, kw_only=True):
    loss: str
    seconds: float
    share: float


class ShiftPatternIn(Input):
    site_id: uuid.UUID
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    weekdays: Annotated[list[Weekday], msgspec.Meta(min_length=1, max_length=7)]
    start_time: time
    hours: Annotated[float, msgspec.Meta(gt=0, le=24)]
    breaks: list[tuple[Annotated[float, msgspec.Meta(ge=0)], Annotated[float, msgspec.Meta(gt=0)]]] = []
    line_id: uuid.UUID | None = None


class ShiftPatternOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    line_id: uuid.UUID | None
    name: str
    weekdays: list[int]
    start_time: time
    hours: float
    breaks: list[list[float]]


class NonWorkingDayIn(Input):
    site_id: uuid.UUID
    day: date
    name: Annotated[str, msgspec.Meta(max_length=120)] = ""


class PlannedDowntimeIn(Input):
    asset_id: uuid.UUID
    kind: Literal["pm", "changeover", "no_orders", "other"]
    starts_at: datetime
    ends_at: datetime
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class PlannedDowntimeOut(Output):
    id: uuid.UUID
    asset_id: uuid.UUID
    kind: str
    starts_at: datetime
    ends_at: datetime
    note: str
