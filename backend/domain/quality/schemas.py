"""Quality payloads: defect codes, inspection plans, checks, nonconformances, holds, Pareto, SPC."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.domain.quality.rules import Disposition, Frequency, Kind
from backend.lib.schema import Code, Input, Name, Output, ShortText

Family = Annotated[
    str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9._\-/]*)$")
]
Measurement = Annotated[float, msgspec.Meta(ge=-1e12, le=1e12)]
Option = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Note = Annotated[str, msgspec.Meta(max_length=500)]


class DefectCodeCreate(Input):
    site_id: uuid.UUID
    family: Family
    code: Code
    name: Name


class DefectCodeOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    family: str
    code: str
    name: str
    active: bool


class CharacteristicIn(Input):
    name: Name
    kind: Kind
    defect_code: Code
    nominal: float | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None
    unit: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    options: Annotated[list[Option], msgspec.Meta(max_length=50)] = []
    accepted: Annotated[list[Option], msgspec.Meta(max_length=50)] = []
    required: bool = True
    frequency: Frequency = Frequency.FIRST_ARTICLE
    frequency_n: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None
    subgroup_size: Annotated[int, msgspec.Meta(ge=1, le=10)] = 1
    hold_on_fail: bool = True


class PlanCreate(Input):
    product_id: uuid.UUID
    operation_seq: Annotated[int, msgspec.Meta(ge=1, le=9999)]
    name: Name
    characteristics: Annotated[list[CharacteristicIn], msgspec.Meta(min_length=1, max_length=50)]


class CharacteristicOut(Output):
    id: uuid.UUID
    seq: int
    name: str
    kind: str
    nominal: float | None
    lower_limit: float | None
    upper_limit: float | None
    unit: str | None
    options: list[str]
    accepted: list[str]
    required: bool
    frequency: str
    frequency_n: int | None
    subgroup_size: int
    defect_code: str
    hold_on_fail: bool


class PlanOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    product_id: uuid.UUID
    operation_seq: int
    name: str
    active: bool
    characteristics: list[CharacteristicOut]


class CheckIn(Input):
    """`values` for numeric (subgroup size of them), `passed` for pass/fail, `value` for attribute."""

    characteristic_id: uuid.UUID
    values: Annotated[list[Measurement], msgspec.Meta(min_length=1, max_length=10)] | None = None
    passed: bool | None = None
    value: Option | None = None
    note: ShortText | None = None


class CheckOut(Output):
    id: uuid.UUID
    operation_id: uuid.UUID
    characteristic_id: uuid.UUID
    characteristic_name: str
    slot: int
    taken_at: datetime
    measurements: list[float]
    attribute_value: str | None
    passed: bool
    note: str | None
    nonconformance_id: uuid.UUID | None
    lot_on_hold: bool


class DueOut(msgspec.Struct, kw_only=True):
    characteristic_id: uuid.UUID
    name: str
    kind: str
    required: bool
    frequency: str
    frequency_n: int | None
    due: int
    passed: int
    failed_slots: list[int]
    missing_slots: list[int]
    next_slot: int


class NonconformanceCreate(Input):
    defect_code: Code
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    lot_id: uuid.UUID | None = None
    operation_id: uuid.UUID | None = None
    quantity: Annotated[float, msgspec.Meta(gt=0, le=1e9)] | None = None
    hold: bool = False


class NonconformanceClose(Input):
    disposition: Disposition
    note: Note | None = None


class NonconformanceOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    number: str
    product_id: uuid.UUID
    order_id: uuid.UUID | None
    operation_id: uuid.UUID | None
    lot_id: uuid.UUID | None
    check_id: uuid.UUID | None
    characteristic_id: uuid.UUID | None
    defect_code: str
    description: str
    quantity: float | None
    status: str
    opened_at: datetime
    disposition: str | None
    closed_at: datetime | None
    close_note: str | None


class HoldIn(Input):
    reason: Reason


class ReleaseIn(Input):
    note: Note


class HoldOut(Output):
    id: uuid.UUID
    lot_id: uuid.UUID
    reason: str
    nonconformance_id: uuid.UUID | None
    placed_at: datetime
    placed_by: uuid.UUID | None
    released_at: datetime | None
    released_by: uuid.UUID | None
    release_note: str | None


class ParetoRowOut(msgspec.Struct, kw_only=True):
    code: str
    name: str | None
    count: float
    percent: float
    cumulative_percent: float


class ParetoOut(msgspec.Struct, kw_only=True):
    source: Literal["scrap", "nonconformances"]
    total: float
    rows: list[ParetoRowOut]


class SpcPoint(msgspec.Struct, kw_only=True):
    index: int
    taken_at: datetime
    value: float
    range: float | None
    out_of_control: bool


class SpcOut(msgspec.Struct, kw_only=True):
    characteristic_id: uuid.UUID
    name: str
    unit: str | None
    chart: Literal["xbar_r", "individuals"]
    subgroup_size: int
    nominal: float | None
    lower_spec: float | None
    upper_spec: float | None
    center: float
    lcl: float
    ucl: float
    range_center: float
    range_lcl: float
    range_ucl: float
    sigma: float
    cp: float | None
    cpk: float | None
    points: list[SpcPoint]
