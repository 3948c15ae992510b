"""Receipts, transfers between bins and count adjustments: the storeroom's own movements.

Every function takes the delta key of the sync engine: `offline_delta=True` with the device's
`(device_id, mutation_id)` marks a change made offline that arrives late. Such a change is kept
even when it overdraws the bin, and raises a stock discrepancy instead of being refused. The same
key applied twice returns the first result and writes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.rules import EPSILON, MovementKind, tidy, withdraw
from backend.domain.inventory.schemas import AdjustmentCreate, ReceiptCreate, TransferCreate
from backend.domain.inventory.services._ledger import (
    Posted,
    balance_of,
    lock_balance,
    lock_balances,
    make_origin,
    new_movement,
    part_and_bin,
    raise_discrepancy,
    replay,
    require_active,
    set_balance,
    short_of_stock,
)
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, FieldError, ValidationFailed
from backend.lib.ids import uuid7


async def receive(
    session: AsyncSession,
    actor: Actor,
    data: ReceiptCreate,
    clock: Clock,
    *,
    offline_delta: bool = False,
    device_id: uuid.UUID | None = None,
    mutation_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Posted:
    actor.require_role(PLANNING_ROLES, "receive stock")
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
    balance = await lock_balance(session, part, bin_, clock)
    if done := await replay(
        session, origin, kind=MovementKind.RECEIPT, part_id=part.id, bin_id=bin_.id, quantity=data.quantity
    ):
        return done
    after = balance_of(balance).moved(data.quantity)
    set_balance(balance, after, clock)
    movement = new_movement(
        actor=actor,
        clock=clock,
        origin=origin,
        part=part,
        bin_=bin_,
        kind=MovementKind.RECEIPT,
        delta=data.quantity,
        unit_cost=part.unit_cost if data.unit_cost is None else data.unit_cost,
        on_hand_after=after.on_hand,
        note=data.note,
    )
    session.add(movement)
    await session.flush()
    return Posted(movements=[movement], balances=[balance])


async def transfer(
    session: AsyncSession,
    actor: Actor,
    data: TransferCreate,
    clock: Clock,
    *,
    offline_delta: bool = False,
    device_id: uuid.UUID | None = None,
    mutation_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Posted:
    """Move stock between two bins of a site: a transfer_out and a transfer_in in one transaction."""
    actor.require_role(PLANNING_ROLES, "transfer stock")
    origin = make_origin(
        actor,
        offline_delta=offline_delta,
        device_id=device_id,
        mutation_id=mutation_id,
        occurred_at=occurred_at,
    )
    if data.from_bin_id == data.to_bin_id:
        raise ValidationFailed("to_bin_id", "must be another bin than from_bin_id")
    part, source = await part_and_bin(session, data.part_id, data.from_bin_id, bin_field="from_bin_id")
    _, target = await part_and_bin(session, data.part_id, data.to_bin_id, bin_field="to_bin_id")
    if not origin.offline:
        require_active(part, target, bin_field="to_bin_id")
    balances = await lock_balances(session, part, [source, target], clock)
    if done := await replay(
        session,
        origin,
        kind=MovementKind.TRANSFER_OUT,
        part_id=part.id,
        bin_id=source.id,
        quantity=data.quantity,
    ):
        return done
    out_balance, in_balance = balances[source.id], balances[target.id]
    outcome = withdraw(balance_of(out_balance), data.quantity, offline=origin.offline)
    if not outcome.allowed:
        raise short_of_stock(part, source, balance_of(out_balance), data.quantity, "quantity")
    arrived = balance_of(in_balance).moved(data.quantity)
    set_balance(out_balance, outcome.after, clock)
    set_balance(in_balance, arrived, clock)
    pair = uuid7()
    leaving = new_movement(
        actor=actor,
        clock=clock,
        origin=origin,
        part=part,
        bin_=source,
        kind=MovementKind.TRANSFER_OUT,
        delta=-data.quantity,
        unit_cost=part.unit_cost,
        on_hand_after=outcome.after.on_hand,
        transfer_id=pair,
        note=data.note,
    )
    entering = new_movement(
        actor=actor,
        clock=clock,
        origin=origin,
        part=part,
        bin_=target,
        kind=MovementKind.TRANSFER_IN,
        delta=data.quantity,
        unit_cost=part.unit_cost,
        on_hand_after=arrived.on_hand,
        transfer_id=pair,
        note=data.note,
        keyed=False,
    )
    session.add_all([leaving, entering])
    await session.flush()
    discrepancy = None
    if outcome.overdrawn:
        discrepancy = raise_discrepancy(leaving, outcome.shortfall, clock)
        session.add(discrepancy)
        await session.flush()
    return Posted(movements=[leaving, entering], discrepancy=discrepancy, balances=[out_balance, in_balance])


async def adjust(
    session: AsyncSession,
    actor: Actor,
    data: AdjustmentCreate,
    clock: Clock,
    *,
    offline_delta: bool = False,
    device_id: uuid.UUID | None = None,
    mutation_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Posted:
    """Correct a bin after a cycle count, always with a reason: to a counted quantity, or by a delta."""
    actor.require_role(PLANNING_ROLES, "adjust stock")
    origin = make_origin(
        actor,
        offline_delta=offline_delta,
        device_id=device_id,
        mutation_id=mutation_id,
        occurred_at=occurred_at,
    )
    reason = data.reason.strip()
    if not reason:
        raise ValidationFailed("reason", "an adjustment needs a reason")
    if (data.counted_quantity is None) == (data.delta is None):
        raise ValidationFailed("counted_quantity", "give either counted_quantity or delta")
    if data.delta is not None and abs(data.delta) <= EPSILON:
        raise ValidationFailed("delta", "must not be zero")
    part, bin_ = await part_and_bin(session, data.part_id, data.bin_id)
    balance = await lock_balance(session, part, bin_, clock)
    if done := await replay(
        session, origin, kind=MovementKind.ADJUSTMENT, part_id=part.id, bin_id=bin_.id, quantity=data.delta
    ):
        return done
    before = balance_of(balance)
    delta = tidy(data.counted_quantity - before.on_hand) if data.counted_quantity is not None else data.delta
    assert delta is not None
    after = before.moved(delta)
    if after.on_hand < -EPSILON and not origin.offline:
        raise Conflict(
            f"the adjustment would leave {after.on_hand:g} {part.unit} of {part.number} in bin {bin_.code}",
            errors=[FieldError("delta", f"on hand is {before.on_hand:g}; it cannot go below zero")],
            on_hand=before.on_hand,
            reserved=before.reserved,
            available=before.available,
        )
    set_balance(balance, after, clock)
    movement = new_movement(
        actor=actor,
        clock=clock,
        origin=origin,
        part=part,
        bin_=bin_,
        kind=MovementKind.ADJUSTMENT,
        delta=delta,
        unit_cost=part.unit_cost,
        on_hand_after=after.on_hand,
        reason=reason,
        note=data.note,
    )
    session.add(movement)
    await session.flush()
    discrepancy = None
    if after.on_hand < -EPSILON:
        discrepancy = raise_discrepancy(movement, tidy(-after.on_hand), clock)
        session.add(discrepancy)
        await session.flush()
    return Posted(movements=[movement], discrepancy=discrepancy, balances=[balance])
