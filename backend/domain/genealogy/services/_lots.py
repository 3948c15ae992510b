"""Lots: receiving from suppliers, lots produced by operations, taking quantity, linking lots."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy.models import Lot, LotLink
from backend.domain.genealogy.schemas import LotOut, LotReceive
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.production.models import Product
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed

IN_PROCESS = "in_process"
AVAILABLE = "available"
DEPLETED = "depleted"
# Quantities below this are treated as zero (float arithmetic on partial consumption).
EPSILON = 1e-9


async def get_lot(session: AsyncSession, lot_id: uuid.UUID, field: str | None = None) -> Lot:
    lot = (await session.execute(select(Lot).where(Lot.id == lot_id))).scalar_one_or_none()
    if lot is None:
        if field is not None:
            raise ValidationFailed(field, "no such lot")
        raise NotFound("lot not found")
    return lot


async def get_lot_by_number(
    session: AsyncSession, number: str, site_id: uuid.UUID | None = None, field: str | None = None
) -> Lot:
    stmt = select(Lot).where(Lot.number == number)
    if site_id is not None:
        stmt = stmt.where(Lot.site_id == site_id)
    rows = list((await session.execute(stmt.limit(2))).scalars())
    if len(rows) != 1:
        reason = "no such lot" if not rows else "the lot number exists on several sites; give the lot id"
        if field is not None:
            raise ValidationFailed(field, reason)
        raise NotFound(reason)
    return rows[0]


async def lot_out(session: AsyncSession, lot: Lot) -> LotOut:
    sku = await session.scalar(select(Product.sku).where(Product.id == lot.product_id))
    return LotOut.of(lot, product_sku=sku or "")


async def receive_lot(session: AsyncSession, actor: Actor, data: LotReceive, clock: Clock) -> Lot:
    actor.require_role(PRODUCTION_ROLES, "receive lots")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    product = (
        await session.execute(select(Product).where(Product.id == data.product_id))
    ).scalar_one_or_none()
    if product is None or product.site_id != data.site_id:
        raise ValidationFailed("product_id", "no such product")
    if data.tracking == "serial" and data.quantity != 1:
        raise ValidationFailed("quantity", "a serial is one unit")
    if await _number_taken(session, data.site_id, data.number):
        raise ValidationFailed("number", f"lot number {data.number!r} is already used on this site")
    lot = Lot(
        site_id=data.site_id,
        number=data.number,
        product_id=product.id,
        tracking=data.tracking,
        origin="supplier",
        status=AVAILABLE,
        quantity=data.quantity,
        quantity_on_hand=data.quantity,
        supplier=data.supplier,
        supplier_lot=data.supplier_lot,
        received_at=data.received_at or clock.now(),
    )
    session.add(lot)
    await session.flush()
    return lot


async def _number_taken(session: AsyncSession, site_id: uuid.UUID, number: str) -> bool:
    stmt = select(Lot.id).where(Lot.site_id == site_id, Lot.number == number)
    return (await session.execute(stmt.execution_options(skip_site_scope=True))).first() is not None


async def list_lots(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    q: str | None = None,
    on_hold: bool | None = None,
    status: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[Lot]:
    stmt = select(Lot)
    if site_id is not None:
        stmt = stmt.where(Lot.site_id == site_id)
    if product_id is not None:
        stmt = stmt.where(Lot.product_id == product_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Lot.number).like(like), func.lower(Lot.supplier_lot).like(like)))
    if on_hold is not None:
        stmt = stmt.where(Lot.on_hold.is_(on_hold))
    if status is not None:
        stmt = stmt.where(Lot.status == status)
    stmt = stmt.order_by(Lot.site_id, Lot.number).limit(limit).offset(offset)
    return list((await session.execute(stmt)).scalars())


async def start_produced_lot(
    session: AsyncSession,
    *,
    site_id: uuid.UUID,
    number: str,
    product_id: uuid.UUID,
    order_id: uuid.UUID,
    operation_id: uuid.UUID,
) -> Lot:
    """The output lot of an operation, in process until the operation completes."""
    lot = Lot(
        site_id=site_id,
        number=number,
        product_id=product_id,
        origin="produced",
        status=IN_PROCESS,
        order_id=order_id,
        operation_id=operation_id,
    )
    session.add(lot)
    await session.flush()
    return lot


def finish_produced_lot(lot: Lot, quantity: float, at: datetime) -> None:
    lot.quantity = quantity
    lot.quantity_on_hand = quantity
    lot.produced_at = at
    lot.status = AVAILABLE if quantity > EPSILON else DEPLETED


def require_usable(lot: Lot, quantity: float | None = None) -> float:
    """The quantity that may be taken from a lot (all on hand when `quantity` is None);
    held, unfinished and empty lots cannot be used."""
    if lot.on_hold:
        raise Conflict(
            f"lot {lot.number} is on hold; a quality role must release it before it is used",
            lot_id=str(lot.id),
        )
    if lot.status == IN_PROCESS:
        raise Conflict(f"lot {lot.number} is still being produced", lot_id=str(lot.id))
    if lot.quantity_on_hand <= EPSILON:
        raise Conflict(f"lot {lot.number} has nothing left on hand", lot_id=str(lot.id))
    wanted = lot.quantity_on_hand if quantity is None else quantity
    if wanted - lot.quantity_on_hand > EPSILON:
        raise Conflict(
            f"lot {lot.number} has only {lot.quantity_on_hand:g} on hand, not {wanted:g}",
            lot_id=str(lot.id),
        )
    return wanted


def take(lot: Lot, quantity: float) -> None:
    lot.quantity_on_hand = max(0.0, lot.quantity_on_hand - quantity)
    if lot.quantity_on_hand <= EPSILON:
        lot.quantity_on_hand = 0.0
        lot.status = DEPLETED


def link_lots(
    session: AsyncSession,
    *,
    parent: Lot,
    child: Lot,
    quantity: float,
    at: datetime,
    operation_id: uuid.UUID | None,
) -> LotLink:
    if parent.id == child.id:
        raise ValidationFailed("lot_id", "a lot cannot be consumed into itself")
    link = LotLink(
        site_id=child.site_id,
        parent_lot_id=parent.id,
        child_lot_id=child.id,
        quantity=quantity,
        operation_id=operation_id,
        at=at,
    )
    session.add(link)
    return link


async def lot_of_operation(session: AsyncSession, operation_id: uuid.UUID) -> Lot | None:
    rows = await session.execute(select(Lot).where(Lot.operation_id == operation_id))
    return rows.scalars().first()


async def lots_of_operations(session: AsyncSession, operation_ids: list[uuid.UUID]) -> dict[uuid.UUID, Lot]:
    if not operation_ids:
        return {}
    rows = await session.execute(select(Lot).where(Lot.operation_id.in_(operation_ids)))
    return {lot.operation_id: lot for lot in rows.scalars() if lot.operation_id is not None}
