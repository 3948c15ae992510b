"""Material: lots consumed by an operation, linked into its output lot, checked against the BOM."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy import services as genealogy
from backend.domain.genealogy.models import Lot
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.production.models import MaterialConsumption, OrderOperation, Product, ProductionOrder
from backend.domain.production.rules import ACTIVE_OPERATION, BalanceLine, balance, consumption_warnings
from backend.domain.production.schemas import (
    BalanceLineOut,
    ConsumeIn,
    ConsumeResult,
    ConsumptionOut,
    MaterialOut,
    WarningOut,
)
from backend.domain.production.services._catalog import needs_of
from backend.domain.production.services._common import count_totals, get_operation, get_order
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, ValidationFailed


async def _first_seq(session: AsyncSession, order_id: uuid.UUID) -> int:
    first = await session.scalar(
        select(func.min(OrderOperation.seq)).where(OrderOperation.order_id == order_id)
    )
    return int(first or 0)


async def _consumed(session: AsyncSession, operation_id: uuid.UUID) -> dict[uuid.UUID, float]:
    rows = await session.execute(
        select(MaterialConsumption.product_id, func.sum(MaterialConsumption.quantity))
        .where(MaterialConsumption.operation_id == operation_id)
        .group_by(MaterialConsumption.product_id)
    )
    return {pid: float(qty or 0.0) for pid, qty in rows.tuples()}


async def balance_of(
    session: AsyncSession, op: OrderOperation, order: ProductionOrder, produced: int
) -> list[BalanceLine]:
    needs = await needs_of(session, order.product_id, op.seq, await _first_seq(session, order.id))
    return balance(needs, await _consumed(session, op.id), produced)


def balance_out(lines: list[BalanceLine]) -> list[BalanceLineOut]:
    return [
        BalanceLineOut(
            component_id=ln.component_id,
            sku=ln.sku,
            qty_per_unit=ln.qty_per_unit,
            expected=ln.expected,
            consumed=ln.consumed,
            difference=ln.difference,
        )
        for ln in lines
    ]


async def _resolve_lot(session: AsyncSession, op: OrderOperation, data: ConsumeIn) -> Lot:
    if (data.lot_id is None) == (data.lot_number is None):
        raise ValidationFailed("lot_id", "give either lot_id or lot_number")
    if data.lot_id is not None:
        lot = await genealogy.get_lot(session, data.lot_id, "lot_id")
        field = "lot_id"
    else:
        assert data.lot_number is not None
        lot = await genealogy.get_lot_by_number(session, data.lot_number, op.site_id, "lot_number")
        field = "lot_number"
    if lot.site_id != op.site_id:
        raise ValidationFailed(field, "no such lot")
    return lot


async def consume(
    session: AsyncSession, actor: Actor, operation_id: uuid.UUID, data: ConsumeIn, clock: Clock
) -> ConsumeResult:
    """Consume a scanned or picked lot (all it has on hand unless a quantity is given).
    A held lot is refused (409); BOM deviations come back as warnings."""
    actor.require_role(PRODUCTION_ROLES, "consume material")
    op = await get_operation(session, operation_id)
    if op.status not in ACTIVE_OPERATION:
        raise Conflict(f"operation is {op.status}; material is consumed by a running or paused operation")
    order = await get_order(session, op.order_id)
    lot = await _resolve_lot(session, op, data)
    output = await genealogy.lot_of_operation(session, op.id)
    if output is None or output.id == lot.id:
        raise ValidationFailed("lot_id", "an operation cannot consume its own output lot")
    quantity = genealogy.require_usable(lot, data.quantity)
    now = clock.now()
    genealogy.take(lot, quantity)
    genealogy.link_lots(session, parent=lot, child=output, quantity=quantity, at=now, operation_id=op.id)
    consumption = MaterialConsumption(
        site_id=op.site_id,
        operation_id=op.id,
        lot_id=lot.id,
        product_id=lot.product_id,
        quantity=quantity,
        method=data.method,
        at=now,
        user_id=actor.user_id,
    )
    session.add(consumption)
    await session.flush()
    good, scrap = (await count_totals(session, [op.id]))[op.id]
    lines = await balance_of(session, op, order, good + scrap)
    sku = await session.scalar(select(Product.sku).where(Product.id == lot.product_id)) or ""
    in_bom = any(ln.component_id == lot.product_id for ln in lines)
    consumed_total = next((ln.consumed for ln in lines if ln.component_id == lot.product_id), quantity)
    warnings = consumption_warnings(lines, order.quantity, sku, in_bom, consumed_total)
    return ConsumeResult(
        consumption=ConsumptionOut(
            id=consumption.id,
            operation_id=op.id,
            lot_id=lot.id,
            lot_number=lot.number,
            product_sku=sku,
            quantity=quantity,
            method=consumption.method,
            at=now,
        ),
        warnings=[WarningOut(**w.__dict__) for w in warnings],
        balance=balance_out(lines),
    )


async def material_of(session: AsyncSession, operation_id: uuid.UUID) -> MaterialOut:
    op = await get_operation(session, operation_id)
    order = await get_order(session, op.order_id)
    good, scrap = (await count_totals(session, [op.id]))[op.id]
    rows = await session.execute(
        select(MaterialConsumption, Lot.number, Product.sku)
        .join(Lot, Lot.id == MaterialConsumption.lot_id)
        .join(Product, Product.id == MaterialConsumption.product_id)
        .where(MaterialConsumption.operation_id == op.id)
        .order_by(MaterialConsumption.at, Lot.number)
    )
    consumptions = [
        ConsumptionOut(
            id=c.id,
            operation_id=op.id,
            lot_id=c.lot_id,
            lot_number=number,
            product_sku=sku,
            quantity=c.quantity,
            method=c.method,
            at=c.at,
        )
        for c, number, sku in rows.tuples()
    ]
    lines = await balance_of(session, op, order, good + scrap)
    return MaterialOut(produced=good + scrap, consumptions=consumptions, balance=balance_out(lines))
