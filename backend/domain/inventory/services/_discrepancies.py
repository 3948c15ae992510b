"""Stock discrepancies: raised by late offline deltas that overdraw a bin, resolved by a count."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import StockDiscrepancy
from backend.domain.inventory.rules import DiscrepancyStatus
from backend.domain.inventory.schemas import AdjustmentCreate, DiscrepancyResolve
from backend.domain.inventory.services._ledger import Posted
from backend.domain.inventory.services._stocking import adjust
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound


async def get_discrepancy(session: AsyncSession, discrepancy_id: uuid.UUID) -> StockDiscrepancy:
    stmt = select(StockDiscrepancy).where(StockDiscrepancy.id == discrepancy_id)
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise NotFound("discrepancy not found")
    return row


async def list_discrepancies(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    storeroom_id: uuid.UUID | None = None,
    part_id: uuid.UUID | None = None,
    status: DiscrepancyStatus | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[StockDiscrepancy]:
    stmt = select(StockDiscrepancy)
    if site_id is not None:
        stmt = stmt.where(StockDiscrepancy.site_id == site_id)
    if storeroom_id is not None:
        stmt = stmt.where(StockDiscrepancy.storeroom_id == storeroom_id)
    if part_id is not None:
        stmt = stmt.where(StockDiscrepancy.part_id == part_id)
    if status is not None:
        stmt = stmt.where(StockDiscrepancy.status == status.value)
    stmt = stmt.order_by(StockDiscrepancy.raised_at.desc(), StockDiscrepancy.id.desc())
    return list((await session.execute(stmt.limit(limit).offset(offset))).scalars())


async def resolve_discrepancy(
    session: AsyncSession, actor: Actor, discrepancy_id: uuid.UUID, data: DiscrepancyResolve, clock: Clock
) -> tuple[list[StockDiscrepancy], Posted]:
    """Count the bin and book the difference as an adjustment; every open discrepancy of that
    part in that bin is resolved by it. The overdrawing movements stay in the ledger."""
    actor.require_role(PLANNING_ROLES, "resolve stock discrepancies")
    row = await get_discrepancy(session, discrepancy_id)
    if row.status != DiscrepancyStatus.OPEN.value:
        raise Conflict("the discrepancy is already resolved")
    posted = await adjust(
        session,
        actor,
        AdjustmentCreate(
            part_id=row.part_id, bin_id=row.bin_id, reason=data.reason, counted_quantity=data.counted_quantity
        ),
        clock,
    )
    stmt = select(StockDiscrepancy).where(
        StockDiscrepancy.part_id == row.part_id,
        StockDiscrepancy.bin_id == row.bin_id,
        StockDiscrepancy.status == DiscrepancyStatus.OPEN.value,
    )
    resolved = list((await session.execute(stmt)).scalars())
    for item in resolved:
        item.status = DiscrepancyStatus.RESOLVED.value
        item.resolved_at = clock.now()
        item.resolved_by = actor.user_id if actor.user_id.int else None
        item.resolution_movement_id = posted.movements[0].id
        item.resolution_note = data.reason.strip()
    await session.flush()
    return resolved, posted
