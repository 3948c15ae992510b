"""On-call rota rules: add and remove entries, list them, and answer who is on call."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from backend.domain.assets.models import Asset
from backend.domain.assets.rules import Level
from backend.domain.oncall import rules
from backend.domain.oncall.models import OnCallShift
from backend.domain.oncall.schemas import OnCallCreate
from backend.domain.people.models import User, UserSite
from backend.domain.people.roles import MAINTENANCE_ROLES, PLANNING_ROLES, Actor
from backend.lib.errors import Conflict, FieldError, NotFound, ValidationFailed

LIST_LIMIT = 1000


async def _check_user(session: AsyncSession, site_id: uuid.UUID, user_id: uuid.UUID) -> None:
    user = await session.get(User, user_id)
    if user is None or site_id not in user.site_ids:
        raise ValidationFailed("user_id", "no such user on this site")
    if not user.active:
        raise ValidationFailed("user_id", "the user is inactive")
    if user.role not in MAINTENANCE_ROLES:
        raise ValidationFailed("user_id", f"a {user.role} cannot be on call for maintenance")


async def _check_area(session: AsyncSession, site_id: uuid.UUID, area_id: uuid.UUID) -> None:
    area = (await session.execute(select(Asset).where(Asset.id == area_id))).scalar_one_or_none()
    if area is None or area.site_id != site_id:
        raise ValidationFailed("area_id", "no such area on this site")
    if area.level != Level.AREA.value:
        raise ValidationFailed("area_id", f"the asset is a {area.level}, not an area")
    if area.retired_at is not None:
        raise ValidationFailed("area_id", "the area is retired")


def _same_scope(site_id: uuid.UUID, area_id: uuid.UUID | None) -> ColumnElement[bool]:
    area = OnCallShift.area_id.is_(None) if area_id is None else OnCallShift.area_id == area_id
    return and_(OnCallShift.site_id == site_id, area)


async def add_shift(session: AsyncSession, actor: Actor, data: OnCallCreate) -> OnCallShift:
    """A rota entry; entries of the same site and area never overlap, so the answer is never a tie."""
    actor.require_role(PLANNING_ROLES, "manage the on-call rota")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    problem = rules.window_problem(data.starts_at, data.ends_at)
    if problem is not None:
        raise ValidationFailed(*problem)
    await _check_user(session, data.site_id, data.user_id)
    if data.area_id is not None:
        await _check_area(session, data.site_id, data.area_id)
    clash = (
        await session.execute(
            select(OnCallShift)
            .where(_same_scope(data.site_id, data.area_id))
            .where(OnCallShift.starts_at < data.ends_at, OnCallShift.ends_at > data.starts_at)
            .order_by(OnCallShift.starts_at)
            .limit(1)
        )
    ).scalar_one_or_none()
    if clash is not None:
        raise Conflict(
            f"overlaps the entry {clash.id} ({clash.starts_at.isoformat()} to {clash.ends_at.isoformat()})",
            errors=[FieldError("starts_at", "overlaps another entry of the same site and area")],
            conflicting_id=str(clash.id),
        )
    shift = OnCallShift(
        site_id=data.site_id,
        user_id=data.user_id,
        area_id=data.area_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        note=data.note,
    )
    session.add(shift)
    await session.flush()
    return shift


async def get_shift(session: AsyncSession, shift_id: uuid.UUID) -> OnCallShift:
    shift = (
        await session.execute(select(OnCallShift).where(OnCallShift.id == shift_id))
    ).scalar_one_or_none()
    if shift is None:
        raise NotFound("on-call entry not found")
    return shift


async def remove_shift(session: AsyncSession, actor: Actor, shift_id: uuid.UUID) -> None:
    shift = await get_shift(session, shift_id)
    actor.require_role(PLANNING_ROLES, "manage the on-call rota")
    await session.delete(shift)
    await session.flush()


async def list_shifts(
    session: AsyncSession,
    actor: Actor,
    *,
    site_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    user_id: uuid.UUID | None = None,
) -> list[OnCallShift]:
    """Entries overlapping [since, until), oldest first; only the actor's sites."""
    for field, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValidationFailed(field, "needs a timezone (e.g. 2026-03-02T08:00:00Z)")
    stmt = select(OnCallShift).where(OnCallShift.site_id.in_(actor.site_ids))
    if site_id is not None:
        actor.require_site(site_id)
        stmt = stmt.where(OnCallShift.site_id == site_id)
    if since is not None:
        stmt = stmt.where(OnCallShift.ends_at > since)
    if until is not None:
        stmt = stmt.where(OnCallShift.starts_at < until)
    if user_id is not None:
        stmt = stmt.where(OnCallShift.user_id == user_id)
    stmt = stmt.order_by(OnCallShift.starts_at, OnCallShift.id).limit(LIST_LIMIT)
    return list((await session.execute(stmt)).scalars())


async def current_shift(
    session: AsyncSession, site_id: uuid.UUID, area_id: uuid.UUID | None, at: datetime
) -> OnCallShift | None:
    """The entry covering `at`: the area's own entry first, else the site-wide one. Entries of
    people who are inactive, lost access to the site or no longer do maintenance are skipped."""
    area_match = (
        OnCallShift.area_id.is_(None)
        if area_id is None
        else or_(OnCallShift.area_id.is_(None), OnCallShift.area_id == area_id)
    )
    stmt = (
        select(OnCallShift)
        .join(User, User.id == OnCallShift.user_id)
        .join(UserSite, and_(UserSite.user_id == User.id, UserSite.site_id == OnCallShift.site_id))
        .where(OnCallShift.site_id == site_id, area_match)
        .where(OnCallShift.starts_at <= at, OnCallShift.ends_at > at)
        .where(User.active.is_(True), User.role.in_([r.value for r in MAINTENANCE_ROLES]))
        .order_by(OnCallShift.area_id.is_(None), OnCallShift.starts_at.desc(), OnCallShift.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def who_is_on_call(
    session: AsyncSession, site_id: uuid.UUID, area_id: uuid.UUID | None, at: datetime
) -> uuid.UUID | None:
    """The user who answers a new ticket of the site (and area) at `at`, or None."""
    shift = await current_shift(session, site_id, area_id, at)
    return shift.user_id if shift is not None else None
