"""Genealogy payloads: lots, traces, recall reports, shipments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.lib.schema import Code, Input, Name, Output, ShortText

LotNumber = Annotated[
    str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")
]
Positive = Annotated[float, msgspec.Meta(gt=0, le=1e9)]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]


class LotReceive(Input):
    """A lot (or serial) received from a supplier."""

    site_id: uuid.UUID
    product_id: uuid.UUID
    number: LotNumber
    quantity: Positive
    supplier: Name
    supplier_lot: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    tracking: Literal["lot", "serial"] = "lot"
    received_at: AwareDateTime | None = None


class LotOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    number: str
    product_id: uuid.UUID
    product_sku: str
    tracking: str
    origin: str
    status: str
    on_hold: bool
    quantity: float
    quantity_on_hand: float
    supplier: str | None
    supplier_lot: str | None
    received_at: datetime | None
    produced_at: datetime | None
    order_id: uuid.UUID | None
    operation_id: uuid.UUID | None


class TraceLot(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: str
    product_id: uuid.UUID
    product_sku: str
    product_name: str
    origin: str
    status: str
    on_hold: bool
    quantity: float
    quantity_on_hand: float
    supplier: str | None
    supplier_lot: str | None
    order_id: uuid.UUID | None
    order_number: str | None
    order_status: str | None
    depth: int


class TraceEdge(msgspec.Struct, kw_only=True):
    parent_lot_id: uuid.UUID
    child_lot_id: uuid.UUID
    quantity: float
    depth: int


class TraceOrder(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: str
    status: str


class TraceSupplier(msgspec.Struct, kw_only=True):
    supplier: str
    supplier_lot: str
    lot_id: uuid.UUID
    lot_number: str


class TraceShipment(msgspec.Struct, kw_only=True):
    shipment_id: uuid.UUID
    number: str
    customer: str
    shipped_at: datetime
    lot_id: uuid.UUID
    lot_number: str
    quantity: float


class BackwardTrace(msgspec.Struct, kw_only=True):
    """Everything that went into `root`: lots by depth, the links, their orders and suppliers."""

    root: TraceLot
    lots: list[TraceLot]
    edges: list[TraceEdge]
    orders: list[TraceOrder]
    suppliers: list[TraceSupplier]


class ForwardTrace(msgspec.Struct, kw_only=True):
    """Everything `root` went into: lots, links, shipments, orders still open, stock on hand."""

    root: TraceLot
    lots: list[TraceLot]
    edges: list[TraceEdge]
    shipments: list[TraceShipment]
    open_orders: list[TraceOrder]
    on_hand: list[TraceLot]


class RecallReport(msgspec.Struct, kw_only=True):
    supplier_lot: str
    supplier: str | None
    source_lots: list[TraceLot]
    affected_lots: list[TraceLot]
    on_hand: list[TraceLot]
    on_hand_quantity: float
    open_orders: list[TraceOrder]
    shipments: list[TraceShipment]
    customers: list[str]


class ShipmentLineIn(Input):
    lot_id: uuid.UUID
    quantity: Positive | None = None


class ShipmentCreate(Input):
    site_id: uuid.UUID
    number: Code
    customer: Name
    lines: Annotated[list[ShipmentLineIn], msgspec.Meta(min_length=1, max_length=500)]
    shipped_at: AwareDateTime | None = None
    note: ShortText | None = None


class ShipmentLineOut(msgspec.Struct, kw_only=True):
    lot_id: uuid.UUID
    lot_number: str
    product_sku: str
    quantity: float


class ShipmentOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    number: str
    customer: str
    shipped_at: datetime
    note: str | None
    lines: list[ShipmentLineOut]
