"""Shared service helpers: loading a work order in scope, the system actor, assignable users, flushing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from backend.domain.assets.models import Asset
from backend.domain.maintenance.models import WorkOrder
from backend.domain.people.models import User
from backend.domain.people.roles import MAINTENANCE_ROLES, SYSTEM_USERNAME, Actor, Role
from backend.lib.errors import Conflict, NotFound, ValidationFailed

SYSTEM_USER_ID = uuid.UUID(int=0)


def system_actor(site_ids: Iterable[uuid.UUID]) -> Actor:
    """The actor background jobs (PM generation, the closed loop) act as: may do anything on its sites."""
    return Actor(
        user_id=SYSTEM_USER_ID, username=SYSTEM_USERNAME, role=Role.ADMIN, site_ids=frozenset(site_ids)
    )


def user_ref(actor: Actor) -> uuid.UUID | None:
    """The user to record as author; None for the system actor, which is no row in `users`."""
    return None if actor.user_id == SYSTEM_USER_ID else actor.user_id


async def flush(session: AsyncSession) -> None:
    """Flush, answering a concurrent change of the same versioned row as a 409."""
    try:
        await session.flush()
    except StaleDataError:
        raise Conflict("the record was changed by someone else at the same time; reload and retry") from None


async def get_work_order(session: AsyncSession, wo_id: uuid.UUID) -> WorkOrder:
    """A work order in the caller's sites; otherwise 404 (never 403)."""
    row = (await session.execute(select(WorkOrder).where(WorkOrder.id == wo_id))).scalar_one_or_none()
    if row is None:
        raise NotFound("work order not found")
    return row


async def get_asset_for(session: AsyncSession, actor: Actor, asset_id: uuid.UUID, field: str) -> Asset:
    asset = (await session.execute(select(Asset).where(Asset.id == asset_id))).scalar_one_or_none()
    if asset is None or not actor.can_see_site(asset.site_id):
        raise ValidationFailed(field, "no such asset")
    if asset.retired_at is not None:
        raise ValidationFailed(field, "the asset is retired")
    return asset


async def assignable_users(
    session: AsyncSession, site_id: uuid.UUID, user_ids: Sequence[uuid.UUID], field: str
) -> list[User]:
    """Active users of the site with a maintenance role, in the order given; else 422 naming the id."""
    if not user_ids:
        return []
    rows = await session.execute(select(User).where(User.id.in_(user_ids)))
    found = {u.id: u for u in rows.scalars()}
    users = []
    for uid in user_ids:
        user = found.get(uid)
        if user is None or site_id not in user.site_ids or not user.active:
            raise ValidationFailed(field, f"no active user {uid} on this site")
        if user.role not in MAINTENANCE_ROLES:
            raise ValidationFailed(field, f"user {user.username} ({user.role}) does not do maintenance work")
        users.append(user)
    return users
