"""Downtime events (list, classify) and the reason tree."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.downtime import services
from backend.domain.downtime.models import DowntimeEvent, DowntimeReason
from backend.domain.downtime.schemas import ClassifyIn, DowntimeEventOut, ReasonIn, ReasonOut
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import NotFound, ValidationFailed
from backend.web.auth import requires


class DowntimeController(Controller):
    path = "/api/downtime"
    tags = ["downtime"]

    @get("/events")
    async def list_events(
        self,
        session: AsyncSession,
        asset_id: uuid.UUID | None = None,
        site_id: uuid.UUID | None = None,
        open_only: bool = False,
        since: datetime | None = None,
        limit: int = Parameter(default=200, ge=1, le=2000),
    ) -> list[DowntimeEventOut]:
        stmt = select(DowntimeEvent)
        if asset_id is not None:
            stmt = stmt.where(DowntimeEvent.asset_id == asset_id)
        if site_id is not None:
            stmt = stmt.where(DowntimeEvent.site_id == site_id)
        if open_only:
            stmt = stmt.where(DowntimeEvent.ended_at.is_(None))
        if since is not None:
            stmt = stmt.where(DowntimeEvent.started_at >= since)
        rows = await session.execute(stmt.order_by(DowntimeEvent.started_at.desc()).limit(limit))
        return [DowntimeEventOut.of(e) for e in rows.scalars()]

    @get("/events/{event_id:uuid}")
    async def get_event(self, session: AsyncSession, event_id: uuid.UUID) -> DowntimeEventOut:
        event = await session.scalar(select(DowntimeEvent).where(DowntimeEvent.id == event_id))
        if event is None:
            raise NotFound("downtime event not found")
        return DowntimeEventOut.of(event)

    @post("/events/{event_id:uuid}/classify", status_code=200)
    async def classify(
        self, session: AsyncSession, actor: Actor, clock: Clock, event_id: uuid.UUID, data: ClassifyIn
    ) -> DowntimeEventOut:
        return DowntimeEventOut.of(await services.classify(session, actor, event_id, data.reason_code, clock))

    @get("/reasons")
    async def reasons(self, session: AsyncSession, site_id: uuid.UUID | None = None) -> list[ReasonOut]:
        stmt = select(DowntimeReason).where(DowntimeReason.active.is_(True))
        if site_id is not None:
            stmt = stmt.where(DowntimeReason.site_id == site_id)
        return [
            ReasonOut.of(r)
            for r in (
                await session.execute(stmt.order_by(DowntimeReason.category, DowntimeReason.code))
            ).scalars()
        ]

    @post("/reasons", guards=[requires(*PLANNING_ROLES)])
    async def add_reason(self, session: AsyncSession, actor: Actor, data: ReasonIn) -> ReasonOut:
        if not actor.can_see_site(data.site_id):
            raise ValidationFailed("site_id", "no such site")
        taken = await session.scalar(
            select(DowntimeReason.id).where(
                DowntimeReason.site_id == data.site_id, DowntimeReason.code == data.code
            )
        )
        if taken is not None:
            raise ValidationFailed("code", f"reason {data.code!r} exists already")
        if data.parent_id is not None:
            parent = await session.scalar(select(DowntimeReason).where(DowntimeReason.id == data.parent_id))
            if parent is None or parent.site_id != data.site_id:
                raise ValidationFailed("parent_id", "no such reason on this site")
            if parent.category != data.category:
                raise ValidationFailed(
                    "category", f"a child of a {parent.category} reason is a {parent.category} reason"
                )
        row = DowntimeReason(
            site_id=data.site_id,
            code=data.code,
            label=data.label,
            category=data.category,
            parent_id=data.parent_id,
        )
        session.add(row)
        await session.flush()
        return ReasonOut.of(row)
