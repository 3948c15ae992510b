"""Production payloads: products and BOMs, routings, line settings, orders, execution on the line."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.domain.production.rules import CountingMode
from backend.lib.schema import Code, Input, Name, Output, ShortText

Unit = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Seq = Annotated[int, msgspec.Meta(ge=1, le=9999)]
Positive = Annotated[float, msgspec.Meta(gt=0, le=1e9)]
NonNegative = Annotated[float, msgspec.Meta(ge=0, le=1e9)]
Count = Annotated[int, msgspec.Meta(ge=0, le=10_000_000)]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]
IdempotencyKey = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ProductCreate(Input):
    site_id: uuid.UUID
    sku: Code
    name: Name
    unit: Unit = "pcs"
    family: Code = "general"
    purchased: bool = False


class ProductUpdate(Input):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    unit: Unit | msgspec.UnsetType = msgspec.UNSET
    family: Code | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class ProductOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    sku: str
    name: str
    unit: str
    family: str
    purchased: bool
    active: bool


class BomLineIn(Input):
    component_id: uuid.UUID
    qty_per_unit: Positive
    operation_seq: Seq | None = None


class BomReplace(Input):
    lines: Annotated[list[BomLineIn], msgspec.Meta(max_length=200)]


class BomLineOut(msgspec.Struct, kw_only=True):
    component_id: uuid.UUID
    sku: str
    name: str
    unit: str
    qty_per_unit: float
    operation_seq: int | None


class RoutingOperationIn(Input):
    seq: Seq
    name: Name
    ideal_cycle_s: Positive
    work_center_id: uuid.UUID | None = None
    setup_s: NonNegative = 0.0


RoutingOperations = Annotated[list[RoutingOperationIn], msgspec.Meta(min_length=1, max_length=100)]


class RoutingCreate(Input):
    product_id: uuid.UUID
    operations: RoutingOperations
    note: ShortText | None = None


class RoutingOperationsReplace(Input):
    operations: RoutingOperations


class RoutingOperationOut(Output):
    id: uuid.UUID
    seq: int
    name: str
    work_center_id: uuid.UUID | None
    ideal_cycle_s: float
    setup_s: float


class RoutingOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    product_id: uuid.UUID
    version: int
    status: str
    note: str | None
    released_at: datetime | None
    operations: list[RoutingOperationOut]


class LineSettingsIn(Input):
    counting_mode: CountingMode


class LineSettingsOut(msgspec.Struct, kw_only=True):
    line_id: uuid.UUID
    counting_mode: str


class OrderCreate(Input):
    product_id: uuid.UUID
    quantity: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
    due_date: date
    line_id: uuid.UUID
    routing_id: uuid.UUID | None = None
    number: Code | None = None


class OrderCancel(Input):
    reason: Reason


class OperationOut(Output):
    id: uuid.UUID
    order_id: uuid.UUID
    seq: int
    name: str
    line_id: uuid.UUID
    work_center_id: uuid.UUID
    ideal_cycle_s: float
    setup_s: float
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    lot_id: uuid.UUID | None
    lot_number: str | None
    good: int
    scrap: int


class OrderOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    number: str
    product_id: uuid.UUID
    product_sku: str
    routing_id: uuid.UUID
    routing_version: int
    line_id: uuid.UUID
    quantity: int
    due_date: date
    status: str
    released_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    operations: list[OperationOut]


class QueueItem(msgspec.Struct, kw_only=True):
    order_id: uuid.UUID
    order_number: str
    order_status: str
    product_sku: str
    product_name: str
    quantity: int
    due_date: date
    ready: bool
    operation: OperationOut


class PauseIn(Input):
    reason: Code
    note: ShortText | None = None


class CountIn(Input):
    good: Count = 0
    scrap: Count = 0
    defect_code: Code | None = None
    # Moves `scrap` units from good to scrap (the total stays): the only manual entry a
    # machine-counted line accepts.
    reclassify: bool = False
    idempotency_key: IdempotencyKey | None = None
    at: AwareDateTime | None = None
    note: ShortText | None = None


class CountEventOut(Output):
    id: uuid.UUID
    line_id: uuid.UUID
    operation_id: uuid.UUID | None
    good: int
    scrap: int
    defect_code: str | None
    source: str
    kind: str
    at: datetime
    idempotency_key: str


class WarningOut(msgspec.Struct, kw_only=True):
    code: str
    sku: str
    expected: float | None
    consumed: float
    message: str


class BalanceLineOut(msgspec.Struct, kw_only=True):
    component_id: uuid.UUID
    sku: str
    qty_per_unit: float
    expected: float
    consumed: float
    difference: float


class CountRecordedOut(msgspec.Struct, kw_only=True):
    event: CountEventOut
    duplicate: bool
    good: int
    scrap: int
    warnings: list[WarningOut]


class ConsumeIn(Input):
    lot_id: uuid.UUID | None = None
    lot_number: Annotated[str, msgspec.Meta(min_length=1, max_length=80)] | None = None
    quantity: Positive | None = None
    method: Literal["scan", "pick"] = "scan"


class ConsumptionOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operation_id: uuid.UUID
    lot_id: uuid.UUID
    lot_number: str
    product_sku: str
    quantity: float
    method: str
    at: datetime


class ConsumeResult(msgspec.Struct, kw_only=True):
    consumption: ConsumptionOut
    warnings: list[WarningOut]
    balance: list[BalanceLineOut]


class MaterialOut(msgspec.Struct, kw_only=True):
    produced: int
    consumptions: list[ConsumptionOut]
    balance: list[BalanceLineOut]


class CompleteResult(msgspec.Struct, kw_only=True):
    operation: OperationOut
    order_status: str
    warnings: list[WarningOut]
    balance: list[BalanceLineOut]


class LaborIn(Input):
    action: Literal["join", "leave"]


class LaborOut(Output):
    id: uuid.UUID
    operation_id: uuid.UUID
    user_id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None
    minutes: float
