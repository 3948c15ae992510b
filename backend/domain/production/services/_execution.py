"""Running operations on the line: start, pause with a reason, resume, complete; labor."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy import services as genealogy
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.production.models import LaborEntry, OperationPause, OrderOperation, ProductionOrder
from backend.domain.production.rules import (
    OperationStatus,
    OrderStatus,
    check_operation_transition,
    check_order_transition,
    completion_warnings,
)
from backend.domain.production.schemas import CompleteResult, LaborIn, PauseIn, WarningOut
from backend.domain.production.services._common import count_totals, get_operation, get_order
from backend.domain.production.services._material import balance_of, balance_out
from backend.domain.production.services._orders import close_open_rows, operation_outs, operations_of_order
from backend.domain.quality import services as quality
from backend.lib.clock import Clock
from backend.lib.errors import Conflict


async def _open_labor(session: AsyncSession, op: OrderOperation, user_id: uuid.UUID, now: datetime) -> None:
    open_entry = await session.execute(
        select(LaborEntry.id).where(
            LaborEntry.operation_id == op.id, LaborEntry.user_id == user_id, LaborEntry.ended_at.is_(None)
        )
    )
    if open_entry.first() is None:
        session.add(LaborEntry(site_id=op.site_id, operation_id=op.id, user_id=user_id, started_at=now))


async def _require_line_free(session: AsyncSession, op: OrderOperation) -> None:
    """A work center runs one operation at a time (so counts and OEE know whose they are)."""
    other = await session.execute(
        select(OrderOperation.seq, ProductionOrder.number)
        .join(ProductionOrder, ProductionOrder.id == OrderOperation.order_id)
        .where(
            OrderOperation.work_center_id == op.work_center_id,
            OrderOperation.status == OperationStatus.RUNNING.value,
            OrderOperation.id != op.id,
        )
    )
    row = other.first()
    if row is not None:
        raise Conflict(
            f"the work center is running order {row[1]} (operation {row[0]}); pause or complete it first"
        )


async def _begin(session: AsyncSession, op: OrderOperation, order: ProductionOrder, now: datetime) -> None:
    """The first start: earlier operations must be done; the output lot is opened and the
    previous operation's lot flows into it."""
    ops = await operations_of_order(session, order.id)
    earlier = [o for o in ops if o.seq < op.seq]
    for o in earlier:
        if o.status != OperationStatus.COMPLETED:
            raise Conflict(f"operation {o.seq} ({o.name}) must complete before operation {op.seq} starts")
    for o in ops:
        if o.id != op.id and o.status in (OperationStatus.RUNNING, OperationStatus.PAUSED):
            raise Conflict(f"operation {o.seq} of this order is {o.status}")
    previous_lot = await genealogy.lot_of_operation(session, earlier[-1].id) if earlier else None
    if previous_lot is not None and previous_lot.quantity_on_hand > 0:
        quantity = genealogy.require_usable(previous_lot)
    else:
        previous_lot, quantity = None, 0.0
    lot = await genealogy.start_produced_lot(
        session,
        site_id=op.site_id,
        number=f"{order.number}-{op.seq}",
        product_id=order.product_id,
        order_id=order.id,
        operation_id=op.id,
    )
    if previous_lot is not None:
        genealogy.take(previous_lot, quantity)
        genealogy.link_lots(
            session, parent=previous_lot, child=lot, quantity=quantity, at=now, operation_id=op.id
        )
    op.started_at = now
    if order.status == OrderStatus.RELEASED:
        check_order_transition(order.status, OrderStatus.RUNNING)
        order.status = OrderStatus.RUNNING.value
        order.started_at = now
    elif order.status != OrderStatus.RUNNING:
        check_order_transition(order.status, OrderStatus.RUNNING)


async def start_operation(
    session: AsyncSession, actor: Actor, operation_id: uuid.UUID, clock: Clock
) -> OrderOperation:
    """Start a pending operation or resume a paused one; the actor clocks on."""
    actor.require_role(PRODUCTION_ROLES, "run operations")
    op = await get_operation(session, operation_id)
    order = await get_order(session, op.order_id)
    check_operation_transition(op.status, OperationStatus.RUNNING)
    await _require_line_free(session, op)
    now = clock.now()
    if op.status == OperationStatus.PENDING:
        await _begin(session, op, order, now)
    else:
        check_order_transition(order.status, OrderStatus.RUNNING)
        order.status = OrderStatus.RUNNING.value
        pauses = await session.execute(
            select(OperationPause).where(
                OperationPause.operation_id == op.id, OperationPause.ended_at.is_(None)
            )
        )
        for pause in pauses.scalars():
            pause.ended_at = now
    op.status = OperationStatus.RUNNING.value
    await _open_labor(session, op, actor.user_id, now)
    await session.flush()
    return op


async def pause_operation(
    session: AsyncSession, actor: Actor, operation_id: uuid.UUID, data: PauseIn, clock: Clock
) -> OrderOperation:
    actor.require_role(PRODUCTION_ROLES, "run operations")
    op = await get_operation(session, operation_id)
    order = await get_order(session, op.order_id)
    check_operation_transition(op.status, OperationStatus.PAUSED)
    check_order_transition(order.status, OrderStatus.PAUSED)
    now = clock.now()
    await close_open_rows(session, op.id, now)
    session.add(
        OperationPause(
            site_id=op.site_id,
            operation_id=op.id,
            reason=data.reason,
            note=data.note,
            started_at=now,
            user_id=actor.user_id,
        )
    )
    op.status = OperationStatus.PAUSED.value
    order.status = OrderStatus.PAUSED.value
    await session.flush()
    return op


async def complete_operation(
    session: AsyncSession, actor: Actor, operation_id: uuid.UUID, clock: Clock
) -> CompleteResult:
    """Complete a running operation once its quality gate is passed; the output lot gets the
    good count; the last operation completes the order. BOM mismatches come back as warnings."""
    actor.require_role(PRODUCTION_ROLES, "run operations")
    op = await get_operation(session, operation_id)
    order = await get_order(session, op.order_id)
    check_operation_transition(op.status, OperationStatus.COMPLETED)
    now = clock.now()
    await quality.require_gate_passed(session, op, now)
    good, scrap = (await count_totals(session, [op.id]))[op.id]
    await close_open_rows(session, op.id, now)
    op.status = OperationStatus.COMPLETED.value
    op.ended_at = now
    lot = await genealogy.lot_of_operation(session, op.id)
    if lot is not None:
        genealogy.finish_produced_lot(lot, float(good), now)
    ops = await operations_of_order(session, order.id)
    if all(o.status == OperationStatus.COMPLETED for o in ops):
        check_order_transition(order.status, OrderStatus.COMPLETED)
        order.status = OrderStatus.COMPLETED.value
        order.completed_at = now
    await session.flush()
    lines = await balance_of(session, op, order, good + scrap)
    return CompleteResult(
        operation=(await operation_outs(session, [op]))[0],
        order_status=order.status,
        warnings=[WarningOut(**w.__dict__) for w in completion_warnings(lines, good + scrap)],
        balance=balance_out(lines),
    )


async def labor(
    session: AsyncSession, actor: Actor, operation_id: uuid.UUID, data: LaborIn, clock: Clock
) -> None:
    """Another operator joins a running operation, or someone leaves it."""
    actor.require_role(PRODUCTION_ROLES, "log labor")
    op = await get_operation(session, operation_id)
    now = clock.now()
    if data.action == "join":
        if op.status != OperationStatus.RUNNING:
            raise Conflict(f"operation is {op.status}; labor is logged on running operations")
        await _open_labor(session, op, actor.user_id, now)
    else:
        rows = await session.execute(
            select(LaborEntry).where(
                LaborEntry.operation_id == op.id,
                LaborEntry.user_id == actor.user_id,
                LaborEntry.ended_at.is_(None),
            )
        )
        for entry in rows.scalars():
            entry.ended_at = now
    await session.flush()


async def labor_of(session: AsyncSession, operation_id: uuid.UUID) -> list[LaborEntry]:
    await get_operation(session, operation_id)
    rows = await session.execute(
        select(LaborEntry).where(LaborEntry.operation_id == operation_id).order_by(LaborEntry.started_at)
    )
    return list(rows.scalars())
