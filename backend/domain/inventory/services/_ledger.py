"""Posting to the stock ledger: balance locks, delta keys, movements and discrepancies."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import Bin, Part, StockBalance, StockDiscrepancy, StockMovement
from backend.domain.inventory.rules import EPSILON, Balance, DiscrepancyStatus, MovementKind
from backend.domain.inventory.services._catalog import get_bin, get_part
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, FieldError, ValidationFailed


@dataclass(frozen=True)
class Origin:
    """Where a movement comes from: online, or a device's delta keyed by its mutation number."""

    offline: bool = False
    device_id: uuid.UUID | None = None
    mutation_id: int | None = None
    occurred_at: datetime | None = None

    @property
    def keyed(self) -> bool:
        return self.device_id is not None and self.mutation_id is not None


def make_origin(
    actor: Actor,
    *,
    offline_delta: bool,
    device_id: uuid.UUID | None,
    mutation_id: int | None,
    occurred_at: datetime | None,
) -> Origin:
    device = device_id if device_id is not None else (actor.device_id if mutation_id is not None else None)
    if mutation_id is not None and device is None:
        raise ValidationFailed("device_id", "a mutation number needs the device that numbered it")
    if mutation_id is not None and mutation_id < 0:
        raise ValidationFailed("mutation_id", "must not be negative")
    if offline_delta and (device is None or mutation_id is None):
        raise ValidationFailed("mutation_id", "an offline delta is keyed by its device and mutation number")
    if occurred_at is not None and occurred_at.tzinfo is None:
        raise ValidationFailed("occurred_at", "must carry a time zone")
    return Origin(offline=offline_delta, device_id=device, mutation_id=mutation_id, occurred_at=occurred_at)


@dataclass
class Posted:
    """What one stock change wrote: its movements (two for a transfer) and any discrepancy.

    `replayed` is true when the delta key had already been applied and nothing new was written.
    """

    movements: list[StockMovement]
    discrepancy: StockDiscrepancy | None = None
    replayed: bool = False
    balances: list[StockBalance] = field(default_factory=list)


def _balance_query(part_id: uuid.UUID, bin_id: uuid.UUID, *, lock: bool) -> Select[StockBalance]:
    stmt = select(StockBalance).where(StockBalance.part_id == part_id, StockBalance.bin_id == bin_id)
    if lock:
        stmt = stmt.with_for_update()
    return stmt.execution_options(populate_existing=True)


async def lock_balance(session: AsyncSession, part: Part, bin_: Bin, clock: Clock) -> StockBalance:
    """The (part, bin) balance row, created at zero if new, locked until the transaction ends.

    On PostgreSQL this is `SELECT … FOR UPDATE`, so concurrent withdrawals from one bin
    queue here and each sees the previous one's result; SQLite has a single writer anyway.
    """
    stmt = _balance_query(part.id, bin_.id, lock=True)
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is not None:
        return row
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(StockBalance)
        .values(
            site_id=part.site_id,
            part_id=part.id,
            bin_id=bin_.id,
            storeroom_id=bin_.storeroom_id,
            on_hand=0.0,
            reserved=0.0,
            updated_at=clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["part_id", "bin_id"])
    )
    row = (await session.execute(stmt)).scalar_one()
    return row


async def lock_balances(
    session: AsyncSession, part: Part, bins: Sequence[Bin], clock: Clock
) -> dict[uuid.UUID, StockBalance]:
    """Several bins' balances of one part, locked in id order so two transfers cannot deadlock."""
    locked: dict[uuid.UUID, StockBalance] = {}
    for bin_ in sorted(bins, key=lambda b: b.id):
        locked[bin_.id] = await lock_balance(session, part, bin_, clock)
    return locked


async def read_balance(session: AsyncSession, part_id: uuid.UUID, bin_id: uuid.UUID) -> Balance:
    stmt = _balance_query(part_id, bin_id, lock=False)
    row = (await session.execute(stmt)).scalar_one_or_none()
    return Balance() if row is None else Balance(row.on_hand, row.reserved)


async def replay(
    session: AsyncSession,
    origin: Origin,
    *,
    kind: MovementKind,
    part_id: uuid.UUID,
    bin_id: uuid.UUID,
    quantity: float | None,
) -> Posted | None:
    """The earlier result of an already applied delta key, or None when the key is new.

    A key reused for a different movement is a conflict, never a second application;
    `quantity=None` skips comparing quantities (a count's delta is computed here, not sent).
    """
    if not origin.keyed:
        return None
    stmt = select(StockMovement).where(
        StockMovement.device_id == origin.device_id, StockMovement.mutation_id == origin.mutation_id
    )
    first = (await session.execute(stmt)).scalar_one_or_none()
    if first is None:
        return None
    same = first.kind == kind.value and first.part_id == part_id and first.bin_id == bin_id
    if quantity is not None:
        same = same and abs(abs(first.quantity) - abs(quantity)) < EPSILON
    if not same:
        raise Conflict(
            f"mutation {origin.mutation_id} of this device was already applied as a different movement",
            movement_id=str(first.id),
        )
    movements = [first]
    if first.transfer_id is not None:
        pair = select(StockMovement).where(
            StockMovement.transfer_id == first.transfer_id, StockMovement.id != first.id
        )
        movements.extend((await session.execute(pair)).scalars())
    found = select(StockDiscrepancy).where(StockDiscrepancy.movement_id == first.id)
    discrepancy = (await session.execute(found)).scalar_one_or_none()
    return Posted(movements=movements, discrepancy=discrepancy, replayed=True)


def new_movement(
    *,
    actor: Actor,
    clock: Clock,
    origin: Origin,
    part: Part,
    bin_: Bin,
    kind: MovementKind,
    delta: float,
    unit_cost: float,
    on_hand_after: float,
    keyed: bool = True,
    **extra: object,
) -> StockMovement:
    now = clock.now()
    return StockMovement(
        site_id=part.site_id,
        part_id=part.id,
        bin_id=bin_.id,
        storeroom_id=bin_.storeroom_id,
        kind=kind.value,
        quantity=delta,
        unit_cost=unit_cost,
        on_hand_after=on_hand_after,
        actor_id=actor.user_id if actor.user_id.int else None,
        device_id=origin.device_id if keyed else None,
        mutation_id=origin.mutation_id if keyed else None,
        offline=origin.offline,
        occurred_at=origin.occurred_at or now,
        recorded_at=now,
        **extra,
    )


def raise_discrepancy(movement: StockMovement, shortfall: float, clock: Clock) -> StockDiscrepancy:
    return StockDiscrepancy(
        site_id=movement.site_id,
        part_id=movement.part_id,
        bin_id=movement.bin_id,
        storeroom_id=movement.storeroom_id,
        movement_id=movement.id,
        shortfall=shortfall,
        on_hand_after=movement.on_hand_after,
        status=DiscrepancyStatus.OPEN.value,
        raised_at=clock.now(),
    )


async def part_and_bin(
    session: AsyncSession, part_id: uuid.UUID, bin_id: uuid.UUID, *, bin_field: str = "bin_id"
) -> tuple[Part, Bin]:
    part = await get_part(session, part_id, field="part_id")
    bin_ = await get_bin(session, bin_id, field=bin_field)
    if bin_.site_id != part.site_id:
        raise ValidationFailed(bin_field, "the bin belongs to another site than the part")
    return part, bin_


def require_active(part: Part, bin_: Bin, *, bin_field: str = "bin_id") -> None:
    if not part.active:
        raise ValidationFailed("part_id", "the part is inactive")
    if not bin_.active:
        raise ValidationFailed(bin_field, "the bin is inactive")


def short_of_stock(part: Part, bin_: Bin, balance: Balance, requested: float, field: str) -> Conflict:
    return Conflict(
        f"only {balance.available:g} {part.unit} of {part.number} available in bin {bin_.code} "
        f"(on hand {balance.on_hand:g}, reserved {balance.reserved:g}); {requested:g} requested",
        errors=[FieldError(field, f"exceeds the {balance.available:g} available")],
        on_hand=balance.on_hand,
        reserved=balance.reserved,
        available=balance.available,
        requested=requested,
    )


def set_balance(balance: StockBalance, after: Balance, clock: Clock) -> None:
    balance.on_hand = after.on_hand
    balance.reserved = after.reserved
    balance.updated_at = clock.now()


def balance_of(balance: StockBalance) -> Balance:
    return Balance(balance.on_hand, balance.reserved)
