"""Production orders: planning, release to a line, cancel, close, the line's dispatched queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy import services as genealogy
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.production.models import (
    LaborEntry,
    OperationPause,
    OrderOperation,
    Product,
    ProductionOrder,
    Routing,
)
from backend.domain.production.rules import (
    DISPATCHED,
    OperationStatus,
    OrderStatus,
    RoutingStatus,
    check_order_transition,
)
from backend.domain.production.schemas import OperationOut, OrderCancel, OrderCreate, OrderOut, QueueItem
from backend.domain.production.services._common import (
    count_totals,
    get_asset_of_levels,
    get_line,
    get_order,
    get_product,
    get_routing,
    line_of,
)
from backend.domain.production.services._routings import WORK_CENTER_LEVELS, current_routing, operations_of
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, ValidationFailed


async def _next_number(session: AsyncSession, site_id: uuid.UUID) -> str:
    count = await session.scalar(
        select(func.count())
        .select_from(ProductionOrder)
        .where(ProductionOrder.site_id == site_id)
        .execution_options(skip_site_scope=True)
    )
    return f"PO-{int(count or 0) + 1:06d}"


async def create_order(session: AsyncSession, actor: Actor, data: OrderCreate) -> ProductionOrder:
    actor.require_role(PLANNING_ROLES, "plan production orders")
    product = await get_product(session, data.product_id, "product_id")
    if not product.active:
        raise ValidationFailed("product_id", "the product is inactive")
    line = await get_line(session, data.line_id, "line_id")
    if line.site_id != product.site_id:
        raise ValidationFailed("line_id", "no such asset")
    if data.routing_id is not None:
        routing = await get_routing(session, data.routing_id, "routing_id")
        if routing.product_id != product.id:
            raise ValidationFailed("routing_id", "the routing is for another product")
        if routing.status != RoutingStatus.RELEASED:
            raise ValidationFailed("routing_id", f"the routing is {routing.status}, not released")
    else:
        found = await current_routing(session, product.id)
        if found is None:
            raise ValidationFailed("routing_id", "the product has no released routing")
        routing = found
    number = data.number or await _next_number(session, product.site_id)
    taken = await session.execute(
        select(ProductionOrder.id)
        .where(ProductionOrder.site_id == product.site_id, ProductionOrder.number == number)
        .execution_options(skip_site_scope=True)
    )
    if taken.first() is not None:
        raise ValidationFailed("number", f"order number {number!r} is already used on this site")
    routing_ops = await operations_of(session, routing.id)
    centers = {
        rop.id: await get_asset_of_levels(session, rop.work_center_id, WORK_CENTER_LEVELS, None)
        for rop in routing_ops
        if rop.work_center_id is not None
    }
    op_lines = {
        rop.id: (await line_of(session, centers[rop.id]) if rop.id in centers else line)
        for rop in routing_ops
    }
    if line.id not in {ln.id for ln in op_lines.values() if ln is not None}:
        codes = ", ".join(sorted({ln.code for ln in op_lines.values() if ln is not None}))
        raise ValidationFailed("line_id", f"the routing runs on {codes}; dispatch the order to one of them")
    order = ProductionOrder(
        site_id=product.site_id,
        number=number,
        product_id=product.id,
        routing_id=routing.id,
        line_id=line.id,
        quantity=data.quantity,
        due_date=data.due_date,
        status=OrderStatus.PLANNED.value,
    )
    session.add(order)
    await session.flush()
    for rop in routing_ops:
        work_center = centers.get(rop.id, line)
        session.add(
            OrderOperation(
                site_id=order.site_id,
                order_id=order.id,
                seq=rop.seq,
                name=rop.name,
                line_id=(op_lines[rop.id] or line).id,
                work_center_id=work_center.id,
                ideal_cycle_s=rop.ideal_cycle_s,
                setup_s=rop.setup_s,
                status=OperationStatus.PENDING.value,
            )
        )
    await session.flush()
    return order


async def release_order(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, clock: Clock
) -> ProductionOrder:
    """Dispatch to the line: the order's operations appear in the line queues."""
    actor.require_role(PLANNING_ROLES, "release production orders")
    order = await get_order(session, order_id)
    check_order_transition(order.status, OrderStatus.RELEASED)
    routing = await get_routing(session, order.routing_id)
    if routing.status == RoutingStatus.DRAFT:
        raise ValidationFailed("routing_id", "the routing is not released")
    order.status = OrderStatus.RELEASED.value
    order.released_at = clock.now()
    await session.flush()
    return order


async def cancel_order(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, data: OrderCancel, clock: Clock
) -> ProductionOrder:
    """Cancel a planned, released or paused order, or a running one between operations; what was
    produced so far stays as a lot."""
    actor.require_role(PLANNING_ROLES, "cancel production orders")
    order = await get_order(session, order_id)
    check_order_transition(order.status, OrderStatus.CANCELLED)
    now = clock.now()
    ops = await operations_of_order(session, order.id)
    for op in ops:
        if op.status == OperationStatus.RUNNING:
            raise Conflict(f"operation {op.seq} is running; pause it before cancelling the order")
    totals = await count_totals(session, [op.id for op in ops])
    for op in ops:
        if op.status in (OperationStatus.PENDING, OperationStatus.PAUSED):
            if op.status == OperationStatus.PAUSED:
                op.ended_at = now
                await close_open_rows(session, op.id, now)
                lot = await genealogy.lot_of_operation(session, op.id)
                if lot is not None:
                    genealogy.finish_produced_lot(lot, float(totals[op.id][0]), now)
            op.status = OperationStatus.CANCELLED.value
    order.status = OrderStatus.CANCELLED.value
    order.cancelled_at = now
    order.cancel_reason = data.reason
    await session.flush()
    return order


async def close_open_rows(session: AsyncSession, operation_id: uuid.UUID, now: datetime) -> None:
    """End open labor entries and pauses of an operation."""
    labor = await session.execute(
        select(LaborEntry).where(LaborEntry.operation_id == operation_id, LaborEntry.ended_at.is_(None))
    )
    for entry in labor.scalars():
        entry.ended_at = now
    pauses = await session.execute(
        select(OperationPause).where(
            OperationPause.operation_id == operation_id, OperationPause.ended_at.is_(None)
        )
    )
    for pause in pauses.scalars():
        pause.ended_at = now


async def close_order(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, clock: Clock
) -> ProductionOrder:
    actor.require_role(PLANNING_ROLES, "close production orders")
    order = await get_order(session, order_id)
    check_order_transition(order.status, OrderStatus.CLOSED)
    order.status = OrderStatus.CLOSED.value
    order.closed_at = clock.now()
    await session.flush()
    return order


async def operations_of_order(session: AsyncSession, order_id: uuid.UUID) -> list[OrderOperation]:
    rows = await session.execute(
        select(OrderOperation).where(OrderOperation.order_id == order_id).order_by(OrderOperation.seq)
    )
    return list(rows.scalars())


async def operation_outs(session: AsyncSession, ops: Sequence[OrderOperation]) -> list[OperationOut]:
    ids = [op.id for op in ops]
    totals = await count_totals(session, ids)
    lots = await genealogy.lots_of_operations(session, ids)
    out = []
    for op in ops:
        lot = lots.get(op.id)
        good, scrap = totals.get(op.id, (0, 0))
        out.append(
            OperationOut.of(
                op,
                lot_id=lot.id if lot else None,
                lot_number=lot.number if lot else None,
                good=good,
                scrap=scrap,
            )
        )
    return out


async def order_out(session: AsyncSession, order: ProductionOrder) -> OrderOut:
    sku = await session.scalar(select(Product.sku).where(Product.id == order.product_id))
    version = await session.scalar(select(Routing.version).where(Routing.id == order.routing_id))
    ops = await operation_outs(session, await operations_of_order(session, order.id))
    return OrderOut.of(order, product_sku=sku or "", routing_version=int(version or 0), operations=ops)


async def list_orders(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    status: OrderStatus | None = None,
    line_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    due_before: date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[ProductionOrder]:
    stmt = select(ProductionOrder)
    if site_id is not None:
        stmt = stmt.where(ProductionOrder.site_id == site_id)
    if status is not None:
        stmt = stmt.where(ProductionOrder.status == status.value)
    if line_id is not None:
        stmt = stmt.where(ProductionOrder.line_id == line_id)
    if product_id is not None:
        stmt = stmt.where(ProductionOrder.product_id == product_id)
    if due_before is not None:
        stmt = stmt.where(ProductionOrder.due_date <= due_before)
    stmt = stmt.order_by(ProductionOrder.due_date, ProductionOrder.number).limit(limit).offset(offset)
    return list((await session.execute(stmt)).scalars())


async def line_queue(session: AsyncSession, line_id: uuid.UUID) -> list[QueueItem]:
    """What the operators of a line work on: operations of dispatched orders not yet done,
    running and paused first, then by due date and release time. `ready` marks the operations
    whose previous operations are complete."""
    await get_line(session, line_id)
    active_first = case((OrderOperation.status.in_(("running", "paused")), 0), else_=1)
    rows = await session.execute(
        select(OrderOperation, ProductionOrder, Product)
        .join(ProductionOrder, ProductionOrder.id == OrderOperation.order_id)
        .join(Product, Product.id == ProductionOrder.product_id)
        .where(
            OrderOperation.line_id == line_id,
            OrderOperation.status.in_(("pending", "running", "paused")),
            ProductionOrder.status.in_([s.value for s in DISPATCHED]),
        )
        .order_by(active_first, ProductionOrder.due_date, ProductionOrder.released_at, OrderOperation.seq)
    )
    triples = list(rows.tuples())
    ops = [op for op, _o, _p in triples]
    outs = {o.id: o for o in await operation_outs(session, ops)}
    order_ids = list({order.id for _op, order, _p in triples})
    blocked: set[tuple[uuid.UUID, int]] = set()
    if order_ids:
        earlier = await session.execute(
            select(OrderOperation.order_id, OrderOperation.seq).where(
                OrderOperation.order_id.in_(order_ids),
                OrderOperation.status.not_in(("completed", "cancelled")),
            )
        )
        open_seqs: dict[uuid.UUID, list[int]] = {}
        for oid, seq in earlier.tuples():
            open_seqs.setdefault(oid, []).append(seq)
        for op in ops:
            if any(s < op.seq for s in open_seqs.get(op.order_id, [])):
                blocked.add((op.order_id, op.seq))
    return [
        QueueItem(
            order_id=order.id,
            order_number=order.number,
            order_status=order.status,
            product_sku=product.sku,
            product_name=product.name,
            quantity=order.quantity,
            due_date=order.due_date,
            ready=(op.order_id, op.seq) not in blocked,
            operation=outs[op.id],
        )
        for op, order, product in triples
    ]
