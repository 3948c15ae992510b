"""Defect codes, kept per product family."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.quality.models import DefectCode
from backend.domain.quality.rules import ALL_FAMILIES
from backend.domain.quality.schemas import DefectCodeCreate
from backend.lib.errors import ValidationFailed


async def create_defect_code(session: AsyncSession, actor: Actor, data: DefectCodeCreate) -> DefectCode:
    actor.require_role(PLANNING_ROLES, "define defect codes")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    taken = await session.execute(
        select(DefectCode.id).where(
            DefectCode.site_id == data.site_id, DefectCode.family == data.family, DefectCode.code == data.code
        )
    )
    if taken.first() is not None:
        raise ValidationFailed("code", f"defect code {data.code!r} already exists for family {data.family!r}")
    row = DefectCode(site_id=data.site_id, family=data.family, code=data.code, name=data.name)
    session.add(row)
    await session.flush()
    return row


async def list_defect_codes(
    session: AsyncSession, *, site_id: uuid.UUID | None = None, family: str | None = None
) -> Sequence[DefectCode]:
    stmt = select(DefectCode).where(DefectCode.active.is_(True))
    if site_id is not None:
        stmt = stmt.where(DefectCode.site_id == site_id)
    if family is not None:
        stmt = stmt.where(DefectCode.family.in_((family, ALL_FAMILIES)))
    return list((await session.execute(stmt.order_by(DefectCode.family, DefectCode.code))).scalars())


async def find_defect_code(
    session: AsyncSession, site_id: uuid.UUID, family: str, code: str
) -> DefectCode | None:
    rows = await session.execute(
        select(DefectCode).where(
            DefectCode.site_id == site_id,
            DefectCode.code == code,
            DefectCode.family.in_((family, ALL_FAMILIES)),
            DefectCode.active.is_(True),
        )
    )
    return rows.scalars().first()


async def require_defect_code(
    session: AsyncSession, site_id: uuid.UUID, family: str, code: str, field: str = "defect_code"
) -> DefectCode:
    """A defect code valid for the product family (or for every family) on the site."""
    row = await find_defect_code(session, site_id, family, code)
    if row is None:
        raise ValidationFailed(field, f"unknown defect code {code!r} for product family {family!r}")
    return row
