"""Backward and forward traces through any depth: one recursive CTE over the lot links.

The CTE walks `lot_links` (parent = input lot, child = output lot) with UNION, so diamonds and
(impossible but tolerated) cycles terminate; MAX_DEPTH bounds the walk. The lots it reaches are
read through the ORM, so a request session only sees lots of the caller's sites.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import CTE, Select, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy.models import Lot, LotLink, Shipment, ShipmentLine
from backend.domain.genealogy.schemas import (
    BackwardTrace,
    ForwardTrace,
    RecallReport,
    TraceEdge,
    TraceLot,
    TraceOrder,
    TraceShipment,
    TraceSupplier,
)
from backend.domain.genealogy.services._lots import EPSILON
from backend.domain.production.models import Product, ProductionOrder
from backend.lib.errors import NotFound

MAX_DEPTH = 1000
OPEN_ORDER_STATUSES = ("planned", "released", "running", "paused")


def _walk(root_ids: list[uuid.UUID], direction: str, max_depth: int) -> CTE:
    """Edges reachable from the roots: `lot_id` is the lot reached, `via` the lot it came from."""
    links = LotLink.__table__
    if direction == "backward":
        start, reach = links.c.child_lot_id, links.c.parent_lot_id
    else:
        start, reach = links.c.parent_lot_id, links.c.child_lot_id
    base = select(
        reach.label("lot_id"),
        start.label("via"),
        links.c.quantity.label("quantity"),
        literal_column("1").label("depth"),
    ).where(start.in_(root_ids))
    walk = base.cte(f"trace_{direction}", recursive=True)
    step = (
        select(reach, start, links.c.quantity, walk.c.depth + literal_column("1"))
        .join(walk, start == walk.c.lot_id)
        .where(walk.c.depth < max_depth)
    )
    return walk.union(step)


def _lot_columns() -> list[Any]:
    return [
        Lot.id,
        Lot.number,
        Lot.product_id,
        Product.sku,
        Product.name,
        Lot.origin,
        Lot.status,
        Lot.on_hold,
        Lot.quantity,
        Lot.quantity_on_hand,
        Lot.supplier,
        Lot.supplier_lot,
        Lot.order_id,
        ProductionOrder.number,
        ProductionOrder.status,
    ]


def _with_lot_details(stmt: Select[Any], source: Any = None, lot_id_column: Any = None) -> Select[Any]:
    """Join the lot (reached through `lot_id_column` of `source`, or selected directly), its
    product and its order."""
    if source is None:
        stmt = stmt.select_from(Lot)
    else:
        stmt = stmt.select_from(source).join(Lot, Lot.id == lot_id_column)
    return stmt.join(Product, Product.id == Lot.product_id).outerjoin(
        ProductionOrder, ProductionOrder.id == Lot.order_id
    )


def _trace_lot(row: Any, depth: int, offset: int = 0) -> TraceLot:
    return TraceLot(
        id=row[offset],
        number=row[offset + 1],
        product_id=row[offset + 2],
        product_sku=row[offset + 3],
        product_name=row[offset + 4],
        origin=row[offset + 5],
        status=row[offset + 6],
        on_hold=bool(row[offset + 7]),
        quantity=row[offset + 8],
        quantity_on_hand=row[offset + 9],
        supplier=row[offset + 10],
        supplier_lot=row[offset + 11],
        order_id=row[offset + 12],
        order_number=row[offset + 13],
        order_status=row[offset + 14],
        depth=depth,
    )


async def _root(session: AsyncSession, lot_id: uuid.UUID) -> TraceLot:
    stmt = _with_lot_details(select(*_lot_columns())).where(Lot.id == lot_id)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NotFound("lot not found")
    return _trace_lot(row, 0)


async def _reach(
    session: AsyncSession, root_ids: list[uuid.UUID], direction: str, max_depth: int
) -> tuple[list[TraceLot], list[TraceEdge]]:
    walk = _walk(root_ids, direction, max_depth)
    stmt = _with_lot_details(
        select(walk.c.via, walk.c.quantity, walk.c.depth, *_lot_columns()), walk, walk.c.lot_id
    )
    lots: dict[uuid.UUID, TraceLot] = {}
    edges: dict[tuple[uuid.UUID, uuid.UUID], TraceEdge] = {}
    for row in await session.execute(stmt):
        via, quantity, depth = row[0], row[1], int(row[2])
        lot_id = row[3]
        known = lots.get(lot_id)
        if known is None or depth < known.depth:
            lots[lot_id] = _trace_lot(row, depth, offset=3)
        key = (lot_id, via) if direction == "backward" else (via, lot_id)
        edge = edges.get(key)
        if edge is None or depth < edge.depth:
            edges[key] = TraceEdge(parent_lot_id=key[0], child_lot_id=key[1], quantity=quantity, depth=depth)
    visible = set(lots) | set(root_ids)
    ordered_lots = sorted(lots.values(), key=lambda t: (t.depth, t.number))
    ordered_edges = sorted(
        (e for e in edges.values() if e.parent_lot_id in visible and e.child_lot_id in visible),
        key=lambda e: (e.depth, str(e.parent_lot_id), str(e.child_lot_id)),
    )
    return ordered_lots, ordered_edges


def _orders(lots: Iterable[TraceLot], statuses: tuple[str, ...] | None = None) -> list[TraceOrder]:
    found: dict[uuid.UUID, TraceOrder] = {}
    for lot in lots:
        if lot.order_id is None or lot.order_number is None or lot.order_status is None:
            continue
        if statuses is not None and lot.order_status not in statuses:
            continue
        found[lot.order_id] = TraceOrder(id=lot.order_id, number=lot.order_number, status=lot.order_status)
    return sorted(found.values(), key=lambda o: o.number)


async def trace_backward(
    session: AsyncSession, lot_id: uuid.UUID, max_depth: int = MAX_DEPTH
) -> BackwardTrace:
    root = await _root(session, lot_id)
    lots, edges = await _reach(session, [lot_id], "backward", max_depth)
    suppliers = [
        TraceSupplier(
            supplier=lot.supplier, supplier_lot=lot.supplier_lot, lot_id=lot.id, lot_number=lot.number
        )
        for lot in lots
        if lot.supplier is not None and lot.supplier_lot is not None
    ]
    return BackwardTrace(
        root=root, lots=lots, edges=edges, orders=_orders([root, *lots]), suppliers=suppliers
    )


async def _shipments(session: AsyncSession, lot_ids: list[uuid.UUID]) -> list[TraceShipment]:
    if not lot_ids:
        return []
    rows = await session.execute(
        select(Shipment, ShipmentLine.quantity, Lot.id, Lot.number)
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(Lot, Lot.id == ShipmentLine.lot_id)
        .where(ShipmentLine.lot_id.in_(lot_ids))
        .order_by(Shipment.shipped_at, Shipment.number, Lot.number)
    )
    return [
        TraceShipment(
            shipment_id=s.id,
            number=s.number,
            customer=s.customer,
            shipped_at=s.shipped_at,
            lot_id=lid,
            lot_number=lnum,
            quantity=qty,
        )
        for s, qty, lid, lnum in rows.tuples()
    ]


async def trace_forward(session: AsyncSession, lot_id: uuid.UUID, max_depth: int = MAX_DEPTH) -> ForwardTrace:
    root = await _root(session, lot_id)
    lots, edges = await _reach(session, [lot_id], "forward", max_depth)
    every = [root, *lots]
    return ForwardTrace(
        root=root,
        lots=lots,
        edges=edges,
        shipments=await _shipments(session, [lot.id for lot in every]),
        open_orders=_orders(every, OPEN_ORDER_STATUSES),
        on_hand=[lot for lot in every if lot.quantity_on_hand > EPSILON],
    )


async def recall_report(
    session: AsyncSession, supplier_lot: str, supplier: str | None = None
) -> RecallReport:
    """Where a supplier lot went: every lot made from it, what is still on hand (to quarantine),
    orders that can still be stopped and the shipments (customers) that received it."""
    stmt = _with_lot_details(select(*_lot_columns())).where(Lot.supplier_lot == supplier_lot)
    if supplier is not None:
        stmt = stmt.where(Lot.supplier == supplier)
    sources = [_trace_lot(row, 0) for row in await session.execute(stmt.order_by(Lot.number))]
    if not sources:
        raise NotFound(f"no lot with supplier lot {supplier_lot!r}")
    lots, _edges = await _reach(session, [s.id for s in sources], "forward", MAX_DEPTH)
    every = [*sources, *lots]
    on_hand = [lot for lot in every if lot.quantity_on_hand > EPSILON]
    shipments = await _shipments(session, [lot.id for lot in every])
    return RecallReport(
        supplier_lot=supplier_lot,
        supplier=supplier,
        source_lots=sources,
        affected_lots=lots,
        on_hand=on_hand,
        on_hand_quantity=sum(lot.quantity_on_hand for lot in on_hand),
        open_orders=_orders(every, OPEN_ORDER_STATUSES),
        shipments=shipments,
        customers=sorted({s.customer for s in shipments}),
    )
