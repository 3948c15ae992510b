"""HTTP endpoints for the on-call rota."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.oncall import services
from backend.domain.oncall.schemas import OnCallCreate, OnCallNow, OnCallOut
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import ValidationFailed
from backend.web.auth import requires


class OnCallController(Controller):
    path = "/api/oncall"
    tags = ["on-call"]

    @get("/")
    async def list_shifts(
        self,
        session: AsyncSession,
        actor: Actor,
        site_id: uuid.UUID | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        user_id: uuid.UUID | None = None,
    ) -> list[OnCallOut]:
        rows = await services.list_shifts(
            session, actor, site_id=site_id, since=since, until=until, user_id=user_id
        )
        return [OnCallOut.of(r) for r in rows]

    @post("/", guards=[requires(*PLANNING_ROLES)])
    async def add_shift(self, session: AsyncSession, actor: Actor, data: OnCallCreate) -> OnCallOut:
        return OnCallOut.of(await services.add_shift(session, actor, data))

    @get("/now")
    async def now(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        site_id: uuid.UUID,
        area_id: uuid.UUID | None = None,
        at: datetime | None = None,
    ) -> OnCallNow:
        actor.require_site(site_id)
        if at is not None and at.tzinfo is None:
            raise ValidationFailed("at", "needs a timezone (e.g. 2026-03-02T08:00:00Z)")
        when = at or clock.now()
        shift = await services.current_shift(session, site_id, area_id, when)
        return OnCallNow(
            site_id=site_id,
            area_id=area_id,
            at=when,
            user_id=shift.user_id if shift else None,
            shift=OnCallOut.of(shift) if shift else None,
        )

    @get("/{shift_id:uuid}")
    async def get_shift(self, session: AsyncSession, shift_id: uuid.UUID) -> OnCallOut:
        return OnCallOut.of(await services.get_shift(session, shift_id))

    @delete("/{shift_id:uuid}", guards=[requires(*PLANNING_ROLES)], status_code=204)
    async def remove_shift(self, session: AsyncSession, actor: Actor, shift_id: uuid.UUID) -> None:
        await services.remove_shift(session, actor, shift_id)
