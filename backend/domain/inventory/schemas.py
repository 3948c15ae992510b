"""Inventory payloads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from backend.lib.schema import Code, Input, LongText, Name, Output, ShortText

Quantity = Annotated[float, msgspec.Meta(gt=0, le=1e9)]
Level = Annotated[float, msgspec.Meta(ge=0, le=1e9)]
Money = Annotated[float, msgspec.Meta(ge=0, le=1e9)]
Unit = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]


class PartCreate(Input):
    site_id: uuid.UUID
    number: Code
    name: Name
    unit: Unit = "each"
    unit_cost: Money = 0.0
    supplier: ShortText | None = None
    supplier_part_number: ShortText | None = None
    critical: bool = False
    description: LongText | None = None


class PartUpdate(Input):
    number: Code | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    unit: Unit | msgspec.UnsetType = msgspec.UNSET
    unit_cost: Money | msgspec.UnsetType = msgspec.UNSET
    supplier: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    supplier_part_number: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    critical: bool | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class PartOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    number: str
    name: str
    unit: str
    unit_cost: float
    supplier: str | None
    supplier_part_number: str | None
    critical: bool
    description: str | None
    active: bool
    label_url: str
    created_at: datetime
    updated_at: datetime


class StoreroomCreate(Input):
    site_id: uuid.UUID
    code: Code
    name: Name
    description: LongText | None = None


class StoreroomUpdate(Input):
    code: Code | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class StoreroomOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    code: str
    name: str
    description: str | None
    active: bool


class BinCreate(Input):
    code: Code
    description: ShortText | None = None


class BinUpdate(Input):
    code: Code | msgspec.UnsetType = msgspec.UNSET
    description: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class BinOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    storeroom_id: uuid.UUID
    code: str
    description: str | None
    active: bool
    label_url: str


class ReceiptCreate(Input):
    part_id: uuid.UUID
    bin_id: uuid.UUID
    quantity: Quantity
    unit_cost: Money | None = None
    note: Note | None = None


class IssueCreate(Input):
    """Take parts out of a bin for a work order; the work order's open reservations of the
    part in that bin are consumed first."""

    work_order_id: uuid.UUID
    part_id: uuid.UUID
    bin_id: uuid.UUID
    quantity: Quantity
    note: Note | None = None


class ReturnCreate(Input):
    work_order_id: uuid.UUID
    part_id: uuid.UUID
    bin_id: uuid.UUID
    quantity: Quantity
    note: Note | None = None


class TransferCreate(Input):
    part_id: uuid.UUID
    from_bin_id: uuid.UUID
    to_bin_id: uuid.UUID
    quantity: Quantity
    note: Note | None = None


class AdjustmentCreate(Input):
    """A cycle count: give the `counted_quantity` found in the bin, or the signed `delta`."""

    part_id: uuid.UUID
    bin_id: uuid.UUID
    reason: Reason
    counted_quantity: Level | None = None
    delta: Annotated[float, msgspec.Meta(ge=-1e9, le=1e9)] | None = None
    note: Note | None = None


class ReservationCreate(Input):
    work_order_id: uuid.UUID
    part_id: uuid.UUID
    bin_id: uuid.UUID
    quantity: Quantity
    note: Note | None = None


class ReservationRelease(Input):
    """Release all that is still reserved, or only `quantity` of it."""

    quantity: Quantity | None = None


class ReorderPointSet(Input):
    reorder_point: Level
    reorder_quantity: Quantity


class DiscrepancyResolve(Input):
    """Close a discrepancy with the quantity actually counted in the bin (an adjustment)."""

    counted_quantity: Level
    reason: Reason


class MovementOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    part_id: uuid.UUID
    bin_id: uuid.UUID
    storeroom_id: uuid.UUID
    kind: str
    quantity: float
    unit_cost: float
    on_hand_after: float
    work_order_id: uuid.UUID | None
    reservation_id: uuid.UUID | None
    transfer_id: uuid.UUID | None
    reason: str | None
    note: str | None
    actor_id: uuid.UUID | None
    device_id: uuid.UUID | None
    mutation_id: int | None
    offline: bool
    occurred_at: datetime
    recorded_at: datetime


class ReservationOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    part_id: uuid.UUID
    bin_id: uuid.UUID
    storeroom_id: uuid.UUID
    work_order_id: uuid.UUID
    quantity: float
    issued_quantity: float
    released_quantity: float
    remaining: float
    status: str
    reserved_by: uuid.UUID | None
    note: str | None
    reserved_at: datetime
    closed_at: datetime | None


class DiscrepancyOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    part_id: uuid.UUID
    bin_id: uuid.UUID
    storeroom_id: uuid.UUID
    movement_id: uuid.UUID
    shortfall: float
    on_hand_after: float
    status: str
    raised_at: datetime
    resolved_at: datetime | None
    resolved_by: uuid.UUID | None
    resolution_movement_id: uuid.UUID | None
    resolution_note: str | None


class StockLine(msgspec.Struct, kw_only=True):
    """Stock of one part in one bin."""

    part_id: uuid.UUID
    part_number: str
    part_name: str
    unit: str
    bin_id: uuid.UUID
    bin_code: str
    storeroom_id: uuid.UUID
    on_hand: float
    reserved: float
    available: float


class MovementResult(msgspec.Struct, kw_only=True):
    """What a stock change did: its movement(s), the bin's balance after, any discrepancy."""

    movements: list[MovementOut]
    stock: list[StockLine]
    discrepancy: DiscrepancyOut | None = None


class ReorderPointOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    part_id: uuid.UUID
    storeroom_id: uuid.UUID
    reorder_point: float
    reorder_quantity: float


class ReorderSuggestion(msgspec.Struct, kw_only=True):
    part_id: uuid.UUID
    part_number: str
    part_name: str
    unit: str
    critical: bool
    supplier: str | None
    storeroom_id: uuid.UUID
    storeroom_code: str
    on_hand: float
    reserved: float
    available: float
    reorder_point: float
    suggested_quantity: float
    unit_cost: float


class PartUsage(msgspec.Struct, kw_only=True):
    part_id: uuid.UUID
    part_number: str
    part_name: str
    unit: str
    issued: float
    returned: float
    net_quantity: float
    cost: float


class WorkOrderParts(msgspec.Struct, kw_only=True):
    work_order_id: uuid.UUID
    parts: list[PartUsage]
    reservations: list[ReservationOut]
    total_cost: float


class LabelTarget(msgspec.Struct, kw_only=True):
    """What a scanned inventory label points at, with its stock."""

    kind: str
    part: PartOut | None = None
    bin: BinOut | None = None
    stock: list[StockLine] = msgspec.field(default_factory=list)
