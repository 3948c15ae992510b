"""Lot holds: placed by a failed check, a nonconformance or a person; released by a quality role."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy.models import Lot
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.quality.models import LotHold
from backend.domain.quality.rules import QUALITY_RELEASE_ROLES
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound


async def _lot(session: AsyncSession, lot_id: uuid.UUID) -> Lot:
    lot = (await session.execute(select(Lot).where(Lot.id == lot_id))).scalar_one_or_none()
    if lot is None:
        raise NotFound("lot not found")
    return lot


def place_hold(
    session: AsyncSession,
    lot: Lot,
    reason: str,
    at: datetime,
    *,
    user_id: uuid.UUID | None,
    nonconformance_id: uuid.UUID | None = None,
) -> LotHold:
    hold = LotHold(
        site_id=lot.site_id,
        lot_id=lot.id,
        reason=reason,
        nonconformance_id=nonconformance_id,
        placed_at=at,
        placed_by=user_id,
    )
    session.add(hold)
    lot.on_hold = True
    return hold


async def hold_lot(
    session: AsyncSession, actor: Actor, lot_id: uuid.UUID, reason: str, clock: Clock
) -> LotHold:
    """Anyone running production may stop a lot; only a quality role releases it."""
    actor.require_role(PRODUCTION_ROLES | QUALITY_RELEASE_ROLES, "hold lots")
    lot = await _lot(session, lot_id)
    hold = place_hold(session, lot, reason, clock.now(), user_id=actor.user_id)
    await session.flush()
    return hold


async def active_holds(session: AsyncSession, lot_id: uuid.UUID) -> list[LotHold]:
    rows = await session.execute(
        select(LotHold)
        .where(LotHold.lot_id == lot_id, LotHold.released_at.is_(None))
        .order_by(LotHold.placed_at)
    )
    return list(rows.scalars())


async def release_lot(
    session: AsyncSession, actor: Actor, lot_id: uuid.UUID, note: str, clock: Clock
) -> list[LotHold]:
    """Release every active hold of the lot (quality roles only); the lot is usable again."""
    actor.require_role(QUALITY_RELEASE_ROLES, "release held lots")
    lot = await _lot(session, lot_id)
    holds = await active_holds(session, lot.id)
    if not holds and not lot.on_hold:
        raise Conflict(f"lot {lot.number} is not on hold")
    now = clock.now()
    for hold in holds:
        hold.released_at = now
        hold.released_by = actor.user_id
        hold.release_note = note
    lot.on_hold = False
    await session.flush()
    return holds


async def holds_of(
    session: AsyncSession, *, lot_id: uuid.UUID | None = None, active_only: bool = False, limit: int = 200
) -> Sequence[LotHold]:
    stmt = select(LotHold)
    if lot_id is not None:
        await _lot(session, lot_id)
        stmt = stmt.where(LotHold.lot_id == lot_id)
    if active_only:
        stmt = stmt.where(LotHold.released_at.is_(None))
    return list((await session.execute(stmt.order_by(LotHold.placed_at.desc()).limit(limit))).scalars())
