"""Parts issued to and returned from work orders.

See `_stocking` for the delta key (`offline_delta`, `device_id`, `mutation_id`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import StockMovement, StockReservation
from backend.domain.inventory.rules import EPSILON, MovementKind, ReservationStatus, tidy, withdraw
from backend.domain.inventory.schemas import IssueCreate, ReturnCreate
from backend.domain.inventory.services._ledger import (
    Posted,
    balance_of,
    lock_balance,
    make_origin,
    new_movement,
    part_and_bin,
    raise_discrepancy,
    replay,
    require_active,
    set_balance,
    short_of_stock,
)
from backend.domain.inventory.services._workorders import work_order_for
from backend.domain.people.roles import MAINTENANCE_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, FieldError


async def _open_reservations(
    session: AsyncSession, work_order_id: uuid.UUID, part_id: uuid.UUID, bin_id: uuid.UUID
) -> list[StockReservation]:
    stmt = (
        select(StockReservation)
        .where(
            StockReservation.work_order_id == work_order_id,
            StockReservation.part_id == part_id,
            StockReservation.bin_id == bin_id,
            StockReservation.status == ReservationStatus.OPEN.value,
        )
        .order_by(StockReservation.reserved_at, StockReservation.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())


def _consume(reservations: list[StockReservation], quantity: float, clock: Clock) -> uuid.UUID | None:
    """Book `quantity` against the reservations, oldest first; the first one touched is returned."""
    first: uuid.UUID | None = None
    left = quantity
    for row in reservations:
        if left <= EPSILON:
            break
        take = min(row.remaining, left)
        row.issued_quantity = tidy(row.issued_quantity + take)
        left -= take
        first = first or row.id
        if row.remaining <= EPSILON:
            row.status = ReservationStatus.FULFILLED.value
            row.closed_at = clock.now()
    return first


async def issue_to_work_order(
    session: AsyncSession,
    actor: Actor,
    data: IssueCreate,
    clock: Clock,
    *,
    offline_delta: bool = False,
    device_id: uuid.UUID | None = None,
    mutation_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Posted:
    """Consume parts from a bin for a work order, using up its reservations there first.

    Online, more than is available (own reservations included) is refused with a 409 that
    carries on hand, reserved and available. Offline deltas are kept whatever the stock and,
    when they leave on hand below zero, raise a discrepancy.
    """
    actor.require_role(MAINTENANCE_ROLES, "issue parts")
    origin = make_origin(
        actor,
        offline_delta=offline_delta,
        device_id=device_id,
        mutation_id=mutation_id,
        occurred_at=occurred_at,
    )
    part, bin_ = await part_and_bin(session, data.part_id, data.bin_id)
    order = await work_order_for(
        session, data.work_order_id, part, require_open=not origin.offline, action="issued to"
    )
    balance = await lock_balance(session, part, bin_, clock)
    if done := await replay(
        session, origin, kind=MovementKind.ISSUE, part_id=part.id, bin_id=bin_.id, quantity=data.quantity
    ):
        return done
    reservations = await _open_reservations(session, order.id, part.id, bin_.id)
    own = sum(r.remaining for r in reservations)
    outcome = withdraw(balance_of(balance), data.quantity, own_reservation=own, offline=origin.offline)
    if not outcome.allowed:
        raise short_of_stock(part, bin_, balance_of(balance), data.quantity, "quantity")
    reservation_id = _consume(reservations, outcome.consumed_reservation, clock)
    set_balance(balance, outcome.after, clock)
    movement = new_movement(
        actor=actor,
        clock=clock,
        origin=origin,
        part=part,
        bin_=bin_,
        kind=MovementKind.ISSUE,
        delta=-data.quantity,
        unit_cost=part.unit_cost,
        on_hand_after=outcome.after.on_hand,
        work_order_id=order.id,
        reservation_id=reservation_id,
        note=data.note,
    )
    session.add(movement)
    await session.flush()
    discrepancy = None
    if outcome.overdrawn:
        discrepancy = raise_discrepancy(movement, outcome.shortfall, clock)
        session.add(discrepancy)
        await session.flush()
    return Posted(movements=[movement], discrepancy=discrepancy, balances=[balance])


async def issued_to(
    session: AsyncSession, work_order_id: uuid.UUID, part_id: uuid.UUID
) -> tuple[float, float | None]:
    """Net quantity of a part issued to a work order, and the average unit cost it was issued at."""
    is_issue = StockMovement.kind == MovementKind.ISSUE.value
    stmt = select(
        func.coalesce(func.sum(-StockMovement.quantity), 0.0),
        func.coalesce(func.sum(case((is_issue, -StockMovement.quantity), else_=0.0)), 0.0),
        func.coalesce(
            func.sum(case((is_issue, -StockMovement.quantity * StockMovement.unit_cost), else_=0.0)), 0.0
        ),
    ).where(
        StockMovement.work_order_id == work_order_id,
        StockMovement.part_id == part_id,
        StockMovement.kind.in_([MovementKind.ISSUE.value, MovementKind.RETURN.value]),
    )
    net, issued, value = (await session.execute(stmt)).one()
    average = float(value) / float(issued) if float(issued) > EPSILON else None
    return tidy(float(net)), average


async def return_from_work_order(
    session: AsyncSession,
    actor: Actor,
    data: ReturnCreate,
    clock: Clock,
    *,
    offline_delta: bool = False,
    device_id: uuid.UUID | None = None,
    mutation_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Posted:
    """Put unused parts back into a bin, credited at the cost they were issued at.

    Online, no more than the work order's net issued quantity may come back.
    """
    actor.require_role(MAINTENANCE_ROLES, "return parts")
    origin = make_origin(
        actor,
        offline_delta=offline_delta,
        device_id=device_id,
        mutation_id=mutation_id,
        occurred_at=occurred_at,
    )
    part, bin_ = await part_and_bin(session, data.part_id, data.bin_id)
    if not origin.offline:
        require_active(part, bin_)
    order = await work_order_for(
        session, data.work_order_id, part, require_open=False, action="returned from"
    )
    balance = await lock_balance(session, part, bin_, clock)
    if done := await replay(
        session, origin, kind=MovementKind.RETURN, part_id=part.id, bin_id=bin_.id, quantity=data.quantity
    ):
        return done
    net, average_cost = await issued_to(session, order.id, part.id)
    if not origin.offline and data.quantity > net + EPSILON:
        raise Conflict(
            f"only {net:g} {part.unit} of {part.number} are issued to this work order",
            errors=[FieldError("quantity", f"exceeds the {net:g} issued")],
            issued=net,
            requested=data.quantity,
        )
    after = balance_of(balance).moved(data.quantity)
    set_balance(balance, after, clock)
    movement = new_movement(
        actor=actor,
        clock=clock,
        origin=origin,
        part=part,
        bin_=bin_,
        kind=MovementKind.RETURN,
        delta=data.quantity,
        unit_cost=part.unit_cost if average_cost is None else average_cost,
        on_hand_after=after.on_hand,
        work_order_id=order.id,
        note=data.note,
    )
    session.add(movement)
    await session.flush()
    return Posted(movements=[movement], balances=[balance])
