"""Read models: stock by part, bin or storeroom, the ledger, reorder suggestions, parts cost."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import Bin, Part, ReorderPoint, StockBalance, StockMovement, Storeroom
from backend.domain.inventory.rules import EPSILON, MovementKind, reorder_quantity, tidy
from backend.domain.inventory.schemas import PartUsage, ReorderPointSet, ReorderSuggestion, StockLine
from backend.domain.inventory.services._catalog import get_part, get_storeroom
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.lib.errors import NotFound, ValidationFailed

_CONSUMPTION = (MovementKind.ISSUE.value, MovementKind.RETURN.value)


async def stock_lines(
    session: AsyncSession,
    *,
    part_id: uuid.UUID | None = None,
    bin_id: uuid.UUID | None = None,
    storeroom_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
    include_empty: bool = False,
) -> list[StockLine]:
    """Balances per (part, bin); rows with nothing on hand or reserved only when asked."""
    stmt = (
        select(StockBalance, Part, Bin)
        .join(Part, Part.id == StockBalance.part_id)
        .join(Bin, Bin.id == StockBalance.bin_id)
    )
    if part_id is not None:
        stmt = stmt.where(StockBalance.part_id == part_id)
    if bin_id is not None:
        stmt = stmt.where(StockBalance.bin_id == bin_id)
    if storeroom_id is not None:
        stmt = stmt.where(StockBalance.storeroom_id == storeroom_id)
    if site_id is not None:
        stmt = stmt.where(StockBalance.site_id == site_id)
    if not include_empty:
        stmt = stmt.where((func.abs(StockBalance.on_hand) > EPSILON) | (StockBalance.reserved > EPSILON))
    stmt = stmt.order_by(Part.number, Bin.code)
    return [
        StockLine(
            part_id=part.id,
            part_number=part.number,
            part_name=part.name,
            unit=part.unit,
            bin_id=bin_.id,
            bin_code=bin_.code,
            storeroom_id=bin_.storeroom_id,
            on_hand=tidy(balance.on_hand),
            reserved=tidy(balance.reserved),
            available=tidy(balance.on_hand - balance.reserved),
        )
        for balance, part, bin_ in (await session.execute(stmt)).tuples()
    ]


async def ledger_on_hand(session: AsyncSession, part_id: uuid.UUID, bin_id: uuid.UUID) -> float:
    """On hand recomputed from the ledger alone (the balance row must always agree)."""
    stmt = select(func.coalesce(func.sum(StockMovement.quantity), 0.0)).where(
        StockMovement.part_id == part_id, StockMovement.bin_id == bin_id
    )
    return tidy(float((await session.execute(stmt)).scalar_one()))


async def list_movements(
    session: AsyncSession,
    part_id: uuid.UUID,
    *,
    bin_id: uuid.UUID | None = None,
    kind: MovementKind | None = None,
    work_order_id: uuid.UUID | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[StockMovement]:
    """A part's ledger, newest first."""
    part = await get_part(session, part_id)
    stmt = select(StockMovement).where(StockMovement.part_id == part.id)
    if bin_id is not None:
        stmt = stmt.where(StockMovement.bin_id == bin_id)
    if kind is not None:
        stmt = stmt.where(StockMovement.kind == kind.value)
    if work_order_id is not None:
        stmt = stmt.where(StockMovement.work_order_id == work_order_id)
    stmt = stmt.order_by(StockMovement.recorded_at.desc(), StockMovement.id.desc())
    return list((await session.execute(stmt.limit(limit).offset(offset))).scalars())


# Reorder points ------------------------------------------------------------------------------


async def set_reorder_point(
    session: AsyncSession, actor: Actor, part_id: uuid.UUID, storeroom_id: uuid.UUID, data: ReorderPointSet
) -> ReorderPoint:
    actor.require_role(PLANNING_ROLES, "set reorder points")
    part = await get_part(session, part_id)
    room = await get_storeroom(session, storeroom_id)
    if room.site_id != part.site_id:
        raise ValidationFailed("storeroom_id", "the storeroom belongs to another site than the part")
    stmt = select(ReorderPoint).where(ReorderPoint.part_id == part.id, ReorderPoint.storeroom_id == room.id)
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        row = ReorderPoint(site_id=part.site_id, part_id=part.id, storeroom_id=room.id, reorder_point=0.0)
        session.add(row)
    row.reorder_point = data.reorder_point
    row.reorder_quantity = data.reorder_quantity
    await session.flush()
    return row


async def list_reorder_points(session: AsyncSession, part_id: uuid.UUID) -> Sequence[ReorderPoint]:
    part = await get_part(session, part_id)
    stmt = select(ReorderPoint).where(ReorderPoint.part_id == part.id)
    return list((await session.execute(stmt)).scalars())


async def delete_reorder_point(
    session: AsyncSession, actor: Actor, part_id: uuid.UUID, storeroom_id: uuid.UUID
) -> None:
    actor.require_role(PLANNING_ROLES, "remove reorder points")
    stmt = select(ReorderPoint).where(
        ReorderPoint.part_id == part_id, ReorderPoint.storeroom_id == storeroom_id
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise NotFound("no reorder point for this part in this storeroom")
    await session.delete(row)
    await session.flush()


async def reorder_suggestions(
    session: AsyncSession, *, site_id: uuid.UUID | None = None, storeroom_id: uuid.UUID | None = None
) -> list[ReorderSuggestion]:
    """Active parts whose available stock in a storeroom is at or below its reorder point;
    critical parts first, then the furthest below their point."""
    stock = (
        select(
            StockBalance.part_id.label("part_id"),
            StockBalance.storeroom_id.label("storeroom_id"),
            func.sum(StockBalance.on_hand).label("on_hand"),
            func.sum(StockBalance.reserved).label("reserved"),
        )
        .group_by(StockBalance.part_id, StockBalance.storeroom_id)
        .subquery()
    )
    stmt = (
        select(ReorderPoint, Part, Storeroom, stock.c.on_hand, stock.c.reserved)
        .join(Part, Part.id == ReorderPoint.part_id)
        .join(Storeroom, Storeroom.id == ReorderPoint.storeroom_id)
        .outerjoin(
            stock,
            and_(stock.c.part_id == ReorderPoint.part_id, stock.c.storeroom_id == ReorderPoint.storeroom_id),
        )
        .where(Part.active.is_(True), Storeroom.active.is_(True))
    )
    if site_id is not None:
        stmt = stmt.where(ReorderPoint.site_id == site_id)
    if storeroom_id is not None:
        stmt = stmt.where(ReorderPoint.storeroom_id == storeroom_id)
    found: list[ReorderSuggestion] = []
    for point, part, room, on_hand, reserved in (await session.execute(stmt)).tuples():
        on_hand, reserved = tidy(float(on_hand or 0.0)), tidy(float(reserved or 0.0))
        available = tidy(on_hand - reserved)
        suggested = reorder_quantity(available, point.reorder_point, point.reorder_quantity)
        if suggested is None:
            continue
        found.append(
            ReorderSuggestion(
                part_id=part.id,
                part_number=part.number,
                part_name=part.name,
                unit=part.unit,
                critical=part.critical,
                supplier=part.supplier,
                storeroom_id=room.id,
                storeroom_code=room.code,
                on_hand=on_hand,
                reserved=reserved,
                available=available,
                reorder_point=point.reorder_point,
                suggested_quantity=suggested,
                unit_cost=part.unit_cost,
            )
        )
    found.sort(key=lambda s: (not s.critical, s.available - s.reorder_point, s.part_number, s.storeroom_code))
    return found


# Parts cost ----------------------------------------------------------------------------------


async def parts_usage(session: AsyncSession, work_order_id: uuid.UUID) -> list[PartUsage]:
    """Per part: issued, returned and net quantity, and the cost at the unit costs booked."""
    is_issue = StockMovement.kind == MovementKind.ISSUE.value
    stmt = (
        select(
            Part,
            func.sum(case((is_issue, -StockMovement.quantity), else_=0.0)),
            func.sum(case((is_issue, 0.0), else_=StockMovement.quantity)),
            func.sum(-StockMovement.quantity * StockMovement.unit_cost),
        )
        .join(Part, Part.id == StockMovement.part_id)
        .where(StockMovement.work_order_id == work_order_id, StockMovement.kind.in_(_CONSUMPTION))
        .group_by(Part.id)
        .order_by(Part.number)
    )
    return [
        PartUsage(
            part_id=part.id,
            part_number=part.number,
            part_name=part.name,
            unit=part.unit,
            issued=tidy(float(issued)),
            returned=tidy(float(returned)),
            net_quantity=tidy(float(issued) - float(returned)),
            cost=round(float(cost), 2) + 0.0,
        )
        for part, issued, returned, cost in (await session.execute(stmt)).tuples()
    ]


async def parts_cost_by_work_order(
    session: AsyncSession, work_order_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, float]:
    """Σ (issued − returned) × unit cost at the time of each movement, per work order.

    Registered as the maintenance context's `parts_cost_provider`.
    """
    if not work_order_ids:
        return {}
    stmt = (
        select(StockMovement.work_order_id, func.sum(-StockMovement.quantity * StockMovement.unit_cost))
        .where(StockMovement.work_order_id.in_(list(work_order_ids)), StockMovement.kind.in_(_CONSUMPTION))
        .group_by(StockMovement.work_order_id)
    )
    return {wo_id: float(cost) for wo_id, cost in (await session.execute(stmt)).tuples() if wo_id is not None}
