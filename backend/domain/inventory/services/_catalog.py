"""Parts, storerooms and bins: create, edit, search, and look-up by id or scanned label."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import (
    Bin,
    Part,
    ReorderPoint,
    StockBalance,
    StockMovement,
    StockReservation,
    Storeroom,
)
from backend.domain.inventory.schemas import (
    BinCreate,
    BinUpdate,
    PartCreate,
    PartUpdate,
    StoreroomCreate,
    StoreroomUpdate,
)
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.lib.errors import Conflict, NotFound, ValidationFailed
from backend.lib.ids import new_token

LABEL_TOKEN_BYTES = 18


def _changes(data: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


async def _taken(session: AsyncSession, stmt: Any) -> bool:
    """Uniqueness checks look past the caller's scope: the constraint does too."""
    return (await session.execute(stmt.execution_options(skip_site_scope=True))).first() is not None


# Parts ---------------------------------------------------------------------------------------


async def get_part(session: AsyncSession, part_id: uuid.UUID, *, field: str | None = None) -> Part:
    """The part if it is in scope; otherwise 404, or a 422 naming `field` when it came in a body."""
    part = (await session.execute(select(Part).where(Part.id == part_id))).scalar_one_or_none()
    if part is None:
        if field:
            raise ValidationFailed(field, "no such part")
        raise NotFound("part not found")
    return part


async def get_part_by_label(session: AsyncSession, token: str) -> Part | None:
    return (await session.execute(select(Part).where(Part.label_token == token))).scalar_one_or_none()


async def create_part(session: AsyncSession, actor: Actor, data: PartCreate) -> Part:
    actor.require_role(PLANNING_ROLES, "create parts")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    if await _taken(session, select(Part.id).where(Part.site_id == data.site_id, Part.number == data.number)):
        raise ValidationFailed("number", f"part number {data.number!r} is already used on this site")
    part = Part(**msgspec.structs.asdict(data), label_token=new_token(LABEL_TOKEN_BYTES))
    session.add(part)
    await session.flush()
    return part


async def update_part(session: AsyncSession, actor: Actor, part_id: uuid.UUID, data: PartUpdate) -> Part:
    actor.require_role(PLANNING_ROLES, "edit parts")
    part = await get_part(session, part_id)
    changes = _changes(data)
    if "number" in changes and await _taken(
        session,
        select(Part.id).where(
            Part.site_id == part.site_id, Part.number == changes["number"], Part.id != part.id
        ),
    ):
        raise ValidationFailed("number", f"part number {changes['number']!r} is already used on this site")
    for key, value in changes.items():
        setattr(part, key, value)
    await session.flush()
    return part


async def delete_part(session: AsyncSession, actor: Actor, part_id: uuid.UUID) -> None:
    """Only a part that never moved or was reserved may go; otherwise deactivate it."""
    actor.require_role(PLANNING_ROLES, "delete parts")
    part = await get_part(session, part_id)
    for table in (StockMovement, StockReservation, StockBalance):
        if await _taken(session, select(table.part_id).where(table.part_id == part.id).limit(1)):
            raise Conflict("the part has stock history; set it inactive instead")
    for point in (
        await session.execute(select(ReorderPoint).where(ReorderPoint.part_id == part.id))
    ).scalars():
        await session.delete(point)
    await session.delete(part)
    await session.flush()


async def list_parts(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    q: str | None = None,
    critical: bool | None = None,
    include_inactive: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[Part]:
    stmt = select(Part)
    if site_id is not None:
        stmt = stmt.where(Part.site_id == site_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Part.number).like(like),
                func.lower(Part.name).like(like),
                func.lower(func.coalesce(Part.supplier, "")).like(like),
                func.lower(func.coalesce(Part.supplier_part_number, "")).like(like),
            )
        )
    if critical is not None:
        stmt = stmt.where(Part.critical.is_(critical))
    if not include_inactive:
        stmt = stmt.where(Part.active.is_(True))
    stmt = stmt.order_by(Part.site_id, Part.number).limit(limit).offset(offset)
    return list((await session.execute(stmt)).scalars())


# Storerooms ----------------------------------------------------------------------------------


async def get_storeroom(
    session: AsyncSession, storeroom_id: uuid.UUID, *, field: str | None = None
) -> Storeroom:
    row = (await session.execute(select(Storeroom).where(Storeroom.id == storeroom_id))).scalar_one_or_none()
    if row is None:
        if field:
            raise ValidationFailed(field, "no such storeroom")
        raise NotFound("storeroom not found")
    return row


async def create_storeroom(session: AsyncSession, actor: Actor, data: StoreroomCreate) -> Storeroom:
    actor.require_role(PLANNING_ROLES, "create storerooms")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    if await _taken(
        session, select(Storeroom.id).where(Storeroom.site_id == data.site_id, Storeroom.code == data.code)
    ):
        raise ValidationFailed("code", f"storeroom code {data.code!r} is already used on this site")
    row = Storeroom(**msgspec.structs.asdict(data))
    session.add(row)
    await session.flush()
    return row


async def update_storeroom(
    session: AsyncSession, actor: Actor, storeroom_id: uuid.UUID, data: StoreroomUpdate
) -> Storeroom:
    actor.require_role(PLANNING_ROLES, "edit storerooms")
    row = await get_storeroom(session, storeroom_id)
    changes = _changes(data)
    if "code" in changes and await _taken(
        session,
        select(Storeroom.id).where(
            Storeroom.site_id == row.site_id, Storeroom.code == changes["code"], Storeroom.id != row.id
        ),
    ):
        raise ValidationFailed("code", f"storeroom code {changes['code']!r} is already used on this site")
    for key, value in changes.items():
        setattr(row, key, value)
    await session.flush()
    return row


async def list_storerooms(
    session: AsyncSession, *, site_id: uuid.UUID | None = None, include_inactive: bool = False
) -> Sequence[Storeroom]:
    stmt = select(Storeroom)
    if site_id is not None:
        stmt = stmt.where(Storeroom.site_id == site_id)
    if not include_inactive:
        stmt = stmt.where(Storeroom.active.is_(True))
    return list((await session.execute(stmt.order_by(Storeroom.site_id, Storeroom.code))).scalars())


# Bins ----------------------------------------------------------------------------------------


async def get_bin(session: AsyncSession, bin_id: uuid.UUID, *, field: str | None = None) -> Bin:
    row = (await session.execute(select(Bin).where(Bin.id == bin_id))).scalar_one_or_none()
    if row is None:
        if field:
            raise ValidationFailed(field, "no such bin")
        raise NotFound("bin not found")
    return row


async def get_bin_by_label(session: AsyncSession, token: str) -> Bin | None:
    return (await session.execute(select(Bin).where(Bin.label_token == token))).scalar_one_or_none()


async def create_bin(session: AsyncSession, actor: Actor, storeroom_id: uuid.UUID, data: BinCreate) -> Bin:
    actor.require_role(PLANNING_ROLES, "create bins")
    room = await get_storeroom(session, storeroom_id)
    if await _taken(session, select(Bin.id).where(Bin.storeroom_id == room.id, Bin.code == data.code)):
        raise ValidationFailed("code", f"bin code {data.code!r} is already used in this storeroom")
    row = Bin(
        site_id=room.site_id,
        storeroom_id=room.id,
        code=data.code,
        description=data.description,
        label_token=new_token(LABEL_TOKEN_BYTES),
    )
    session.add(row)
    await session.flush()
    return row


async def update_bin(session: AsyncSession, actor: Actor, bin_id: uuid.UUID, data: BinUpdate) -> Bin:
    actor.require_role(PLANNING_ROLES, "edit bins")
    row = await get_bin(session, bin_id)
    changes = _changes(data)
    if "code" in changes and await _taken(
        session,
        select(Bin.id).where(
            Bin.storeroom_id == row.storeroom_id, Bin.code == changes["code"], Bin.id != row.id
        ),
    ):
        raise ValidationFailed("code", f"bin code {changes['code']!r} is already used in this storeroom")
    for key, value in changes.items():
        setattr(row, key, value)
    await session.flush()
    return row


async def list_bins(
    session: AsyncSession, storeroom_id: uuid.UUID, *, include_inactive: bool = False
) -> Sequence[Bin]:
    room = await get_storeroom(session, storeroom_id)
    stmt = select(Bin).where(Bin.storeroom_id == room.id)
    if not include_inactive:
        stmt = stmt.where(Bin.active.is_(True))
    return list((await session.execute(stmt.order_by(Bin.code))).scalars())
