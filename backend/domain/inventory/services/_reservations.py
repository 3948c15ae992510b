"""Reservations: parts set aside in a bin for a work order, released or consumed by issues."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import StockReservation
from backend.domain.inventory.rules import EPSILON, ReservationStatus, tidy
from backend.domain.inventory.schemas import ReservationCreate, ReservationRelease
from backend.domain.inventory.services._catalog import get_bin, get_part
from backend.domain.inventory.services._ledger import (
    balance_of,
    lock_balance,
    part_and_bin,
    require_active,
    set_balance,
    short_of_stock,
)
from backend.domain.inventory.services._workorders import work_order_for
from backend.domain.people.roles import MAINTENANCE_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed


async def get_reservation(session: AsyncSession, reservation_id: uuid.UUID) -> StockReservation:
    stmt = (
        select(StockReservation)
        .where(StockReservation.id == reservation_id)
        .execution_options(populate_existing=True)
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise NotFound("reservation not found")
    return row


async def reserve(
    session: AsyncSession, actor: Actor, data: ReservationCreate, clock: Clock
) -> StockReservation:
    """Set parts aside for an open work order; only what is available can be reserved."""
    actor.require_role(MAINTENANCE_ROLES, "reserve parts")
    part, bin_ = await part_and_bin(session, data.part_id, data.bin_id)
    require_active(part, bin_)
    order = await work_order_for(session, data.work_order_id, part, require_open=True, action="reserved for")
    balance = await lock_balance(session, part, bin_, clock)
    now = balance_of(balance)
    if data.quantity > now.available + EPSILON:
        raise short_of_stock(part, bin_, now, data.quantity, "quantity")
    set_balance(balance, now.reserve(data.quantity), clock)
    row = StockReservation(
        site_id=part.site_id,
        part_id=part.id,
        bin_id=bin_.id,
        storeroom_id=bin_.storeroom_id,
        work_order_id=order.id,
        quantity=data.quantity,
        status=ReservationStatus.OPEN.value,
        reserved_by=actor.user_id if actor.user_id.int else None,
        note=data.note,
        reserved_at=clock.now(),
    )
    session.add(row)
    await session.flush()
    return row


def _close_if_done(row: StockReservation, clock: Clock) -> None:
    if row.remaining <= EPSILON and row.status == ReservationStatus.OPEN.value:
        done = row.issued_quantity > EPSILON
        row.status = (ReservationStatus.FULFILLED if done else ReservationStatus.CANCELLED).value
        row.closed_at = clock.now()


async def _release(
    session: AsyncSession, reservation_id: uuid.UUID, quantity: float | None, clock: Clock
) -> StockReservation:
    row = await get_reservation(session, reservation_id)
    part = await get_part(session, row.part_id)
    bin_ = await get_bin(session, row.bin_id)
    balance = await lock_balance(session, part, bin_, clock)
    row = await get_reservation(session, reservation_id)  # as it is now that the bin is locked
    if row.status != ReservationStatus.OPEN.value:
        raise Conflict(f"the reservation is already {row.status}", reservation_status=row.status)
    amount = row.remaining if quantity is None else quantity
    if amount > row.remaining + EPSILON:
        raise ValidationFailed("quantity", f"only {row.remaining:g} is still reserved")
    row.released_quantity = tidy(row.released_quantity + amount)
    set_balance(balance, balance_of(balance).reserve(-amount), clock)
    _close_if_done(row, clock)
    await session.flush()
    return row


async def release_reservation(
    session: AsyncSession,
    actor: Actor,
    reservation_id: uuid.UUID,
    data: ReservationRelease,
    clock: Clock,
) -> StockReservation:
    """Give back all that is still reserved (unreserve), or only `data.quantity` of it."""
    actor.require_role(MAINTENANCE_ROLES, "release reservations")
    return await _release(session, reservation_id, data.quantity, clock)


async def release_open_reservations(
    session: AsyncSession, work_order_id: uuid.UUID, clock: Clock
) -> list[StockReservation]:
    """Release what a work order still holds reserved (called when the work order closes)."""
    stmt = select(StockReservation.id).where(
        StockReservation.work_order_id == work_order_id,
        StockReservation.status == ReservationStatus.OPEN.value,
    )
    released = []
    for reservation_id in list((await session.execute(stmt)).scalars()):
        row = await get_reservation(session, reservation_id)
        if row.status == ReservationStatus.OPEN.value:
            released.append(await _release(session, row.id, None, clock))
    return released


async def release_for_work_order(
    session: AsyncSession, actor: Actor, work_order_id: uuid.UUID, clock: Clock
) -> list[StockReservation]:
    actor.require_role(MAINTENANCE_ROLES, "release reservations")
    return await release_open_reservations(session, work_order_id, clock)


async def list_reservations(
    session: AsyncSession,
    *,
    work_order_id: uuid.UUID | None = None,
    part_id: uuid.UUID | None = None,
    bin_id: uuid.UUID | None = None,
    status: ReservationStatus | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[StockReservation]:
    stmt = select(StockReservation)
    if work_order_id is not None:
        stmt = stmt.where(StockReservation.work_order_id == work_order_id)
    if part_id is not None:
        stmt = stmt.where(StockReservation.part_id == part_id)
    if bin_id is not None:
        stmt = stmt.where(StockReservation.bin_id == bin_id)
    if status is not None:
        stmt = stmt.where(StockReservation.status == status.value)
    stmt = stmt.order_by(StockReservation.reserved_at, StockReservation.id).limit(limit).offset(offset)
    return list((await session.execute(stmt)).scalars())
