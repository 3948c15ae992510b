"""Nonconformances: raised by failed checks or by hand, closed with a disposition by a quality role."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy.models import Lot
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.production.models import OrderOperation, Product, ProductionOrder
from backend.domain.quality.models import Nonconformance
from backend.domain.quality.rules import QUALITY_RELEASE_ROLES
from backend.domain.quality.schemas import NonconformanceClose, NonconformanceCreate
from backend.domain.quality.services._defects import require_defect_code
from backend.domain.quality.services._holds import place_hold
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed

OPEN = "open"
CLOSED = "closed"


async def _next_number(session: AsyncSession, site_id: uuid.UUID) -> str:
    count = await session.scalar(
        select(func.count())
        .select_from(Nonconformance)
        .where(Nonconformance.site_id == site_id)
        .execution_options(skip_site_scope=True)
    )
    return f"NC-{int(count or 0) + 1:06d}"


async def open_nonconformance(
    session: AsyncSession,
    *,
    site_id: uuid.UUID,
    product_id: uuid.UUID,
    defect_code: str,
    description: str,
    at: datetime,
    user_id: uuid.UUID | None,
    order_id: uuid.UUID | None = None,
    operation_id: uuid.UUID | None = None,
    lot: Lot | None = None,
    check_id: uuid.UUID | None = None,
    characteristic_id: uuid.UUID | None = None,
    quantity: float | None = None,
    hold: bool = False,
) -> Nonconformance:
    nc = Nonconformance(
        site_id=site_id,
        number=await _next_number(session, site_id),
        product_id=product_id,
        order_id=order_id,
        operation_id=operation_id,
        lot_id=lot.id if lot else None,
        check_id=check_id,
        characteristic_id=characteristic_id,
        defect_code=defect_code,
        description=description,
        quantity=quantity,
        status=OPEN,
        opened_at=at,
        opened_by=user_id,
    )
    session.add(nc)
    await session.flush()
    if hold and lot is not None:
        place_hold(session, lot, f"{nc.number}: {defect_code}", at, user_id=user_id, nonconformance_id=nc.id)
        await session.flush()
    return nc


async def create_nonconformance(
    session: AsyncSession, actor: Actor, data: NonconformanceCreate, clock: Clock
) -> Nonconformance:
    """A nonconformance found by a person, on a lot or an operation (optionally holding the lot)."""
    actor.require_role(PRODUCTION_ROLES | QUALITY_RELEASE_ROLES, "report nonconformances")
    if data.lot_id is None and data.operation_id is None:
        raise ValidationFailed("lot_id", "name the lot or the operation")
    lot: Lot | None = None
    op: OrderOperation | None = None
    if data.operation_id is not None:
        op = (
            await session.execute(select(OrderOperation).where(OrderOperation.id == data.operation_id))
        ).scalar_one_or_none()
        if op is None:
            raise ValidationFailed("operation_id", "no such operation")
        if data.lot_id is None:
            lot = (await session.execute(select(Lot).where(Lot.operation_id == op.id))).scalars().first()
    if data.lot_id is not None:
        lot = (await session.execute(select(Lot).where(Lot.id == data.lot_id))).scalar_one_or_none()
        if lot is None:
            raise ValidationFailed("lot_id", "no such lot")
    order: ProductionOrder | None = None
    if op is not None:
        order = await session.get(ProductionOrder, op.order_id)
    product_id = order.product_id if order else lot.product_id if lot else None
    assert product_id is not None
    product = await session.get(Product, product_id)
    assert product is not None
    await require_defect_code(session, product.site_id, product.family, data.defect_code)
    if data.hold and lot is None:
        raise ValidationFailed("hold", "there is no lot to hold")
    return await open_nonconformance(
        session,
        site_id=product.site_id,
        product_id=product.id,
        defect_code=data.defect_code,
        description=data.description,
        at=clock.now(),
        user_id=actor.user_id,
        order_id=order.id if order else lot.order_id if lot else None,
        operation_id=op.id if op else lot.operation_id if lot else None,
        lot=lot,
        quantity=data.quantity,
        hold=data.hold,
    )


async def get_nonconformance(session: AsyncSession, nc_id: uuid.UUID) -> Nonconformance:
    row = (
        await session.execute(select(Nonconformance).where(Nonconformance.id == nc_id))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("nonconformance not found")
    return row


async def close_nonconformance(
    session: AsyncSession, actor: Actor, nc_id: uuid.UUID, data: NonconformanceClose, clock: Clock
) -> Nonconformance:
    """Close with a disposition (quality roles). Holds stay until released explicitly."""
    actor.require_role(QUALITY_RELEASE_ROLES, "close nonconformances")
    nc = await get_nonconformance(session, nc_id)
    if nc.status != OPEN:
        raise Conflict(f"nonconformance {nc.number} is already {nc.status}")
    nc.status = CLOSED
    nc.disposition = data.disposition.value
    nc.closed_at = clock.now()
    nc.closed_by = actor.user_id
    nc.close_note = data.note
    await session.flush()
    return nc


async def list_nonconformances(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    status: str | None = None,
    lot_id: uuid.UUID | None = None,
    operation_id: uuid.UUID | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[Nonconformance]:
    stmt = select(Nonconformance)
    if site_id is not None:
        stmt = stmt.where(Nonconformance.site_id == site_id)
    if status is not None:
        stmt = stmt.where(Nonconformance.status == status)
    if lot_id is not None:
        stmt = stmt.where(Nonconformance.lot_id == lot_id)
    if operation_id is not None:
        stmt = stmt.where(Nonconformance.operation_id == operation_id)
    stmt = (
        stmt.order_by(Nonconformance.opened_at.desc(), Nonconformance.number.desc())
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(stmt)).scalars())
