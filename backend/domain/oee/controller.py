"""OEE figures, loss Pareto, shift calendars, planned downtime and the site policy."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from litestar import Controller, delete, get, post, put
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.services import get_asset
from backend.domain.oee import services
from backend.domain.oee.models import NonWorkingDay, OeePolicy, PlannedDowntime, ShiftPattern
from backend.domain.oee.schemas import (
    FigureOut,
    LossOut,
    NonWorkingDayIn,
    PlannedDowntimeIn,
    PlannedDowntimeOut,
    PolicyIn,
    PolicyOut,
    ShiftPatternIn,
    ShiftPatternOut,
)
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import NotFound, ValidationFailed
from backend.web.auth import requires

Granularity = Literal["shift", "day", "week"]


class OeeController(Controller):
    path = "/api/oee"
    tags = ["oee"]

    @get("/")
    async def figures(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        start: datetime = Parameter(query="from"),
        end: datetime = Parameter(query="to"),
        by: Granularity = "day",
        asset_id: uuid.UUID | None = None,
        site_id: uuid.UUID | None = None,
    ) -> list[FigureOut]:
        """Availability, performance, quality and OEE per period, each with the inputs it came from."""
        if site_id is not None:
            actor.require_site(site_id)
        return await services.figures(
            session, asset_id=asset_id, site_id=site_id, start=start, end=end, by=by, now=clock.now()
        )

    @get("/losses")
    async def losses(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        start: datetime = Parameter(query="from"),
        end: datetime = Parameter(query="to"),
        asset_id: uuid.UUID | None = None,
        site_id: uuid.UUID | None = None,
    ) -> list[LossOut]:
        """The loss tree as a Pareto: biggest loss first, with its share of all losses."""
        if site_id is not None:
            actor.require_site(site_id)
        rows = await services.figures(
            session,
            asset_id=asset_id,
            site_id=site_id,
            start=start,
            end=end,
            by="week" if (end - start).days > 14 else "day",
            now=clock.now(),
        )
        totals: dict[str, float] = {}
        for row in rows:
            for key, value in row.loss_tree.items():
                totals[key] = totals.get(key, 0.0) + value
        grand = sum(totals.values()) or 1.0
        ordered = sorted(((k, v) for k, v in totals.items() if v > 0), key=lambda kv: -kv[1])
        return [LossOut(loss=k, seconds=v, share=v / grand) for k, v in ordered]

    @get("/policy/{site_id:uuid}")
    async def get_policy(self, session: AsyncSession, actor: Actor, site_id: uuid.UUID) -> PolicyOut:
        actor.require_site(site_id)
        return services.policy_out(await services.policy_for(session, site_id))

    @put("/policy/{site_id:uuid}", guards=[requires(*PLANNING_ROLES)])
    async def put_policy(
        self, session: AsyncSession, actor: Actor, site_id: uuid.UUID, data: PolicyIn
    ) -> PolicyOut:
        actor.require_site(site_id)
        policy = await session.scalar(select(OeePolicy).where(OeePolicy.site_id == site_id))
        if policy is None:
            policy = OeePolicy(site_id=site_id)
            session.add(policy)
        policy.micro_stops, policy.pm_windows_planned = data.micro_stops, data.pm_windows_planned
        await session.flush()
        return services.policy_out(policy)


class CalendarController(Controller):
    path = "/api/calendars"
    tags = ["oee"]

    @get("/shifts")
    async def list_shifts(
        self, session: AsyncSession, site_id: uuid.UUID | None = None
    ) -> list[ShiftPatternOut]:
        stmt = select(ShiftPattern).order_by(ShiftPattern.start_time)
        if site_id is not None:
            stmt = stmt.where(ShiftPattern.site_id == site_id)
        return [ShiftPatternOut.of(s) for s in (await session.execute(stmt)).scalars()]

    @post("/shifts", guards=[requires(*PLANNING_ROLES)])
    async def create_shift(
        self, session: AsyncSession, actor: Actor, data: ShiftPatternIn
    ) -> ShiftPatternOut:
        if not actor.can_see_site(data.site_id):
            raise ValidationFailed("site_id", "no such site")
        if data.line_id is not None:
            line = await get_asset(session, data.line_id)
            if line.site_id != data.site_id or line.level != "line":
                raise ValidationFailed("line_id", "must be a line of the same site")
        for offset, length in data.breaks:
            if offset + length > data.hours * 60:
                raise ValidationFailed("breaks", "a break must end within its shift")
        row = ShiftPattern(
            site_id=data.site_id,
            line_id=data.line_id,
            name=data.name,
            weekdays=sorted(set(data.weekdays)),
            start_time=data.start_time,
            hours=data.hours,
            breaks=[[o, length] for o, length in data.breaks],
        )
        session.add(row)
        await session.flush()
        return ShiftPatternOut.of(row)

    @delete("/shifts/{shift_id:uuid}", guards=[requires(*PLANNING_ROLES)], status_code=204)
    async def delete_shift(self, session: AsyncSession, shift_id: uuid.UUID) -> None:
        row = await session.scalar(select(ShiftPattern).where(ShiftPattern.id == shift_id))
        if row is None:
            raise NotFound("shift pattern not found")
        await session.delete(row)

    @post("/non-working-days", guards=[requires(*PLANNING_ROLES)], status_code=201)
    async def add_non_working_day(
        self, session: AsyncSession, actor: Actor, data: NonWorkingDayIn
    ) -> dict[str, str]:
        if not actor.can_see_site(data.site_id):
            raise ValidationFailed("site_id", "no such site")
        row = NonWorkingDay(site_id=data.site_id, day=data.day, name=data.name)
        session.add(row)
        await session.flush()
        return {"id": str(row.id), "day": data.day.isoformat()}

    @get("/planned-downtime")
    async def list_planned(
        self, session: AsyncSession, asset_id: uuid.UUID | None = None
    ) -> list[PlannedDowntimeOut]:
        stmt = select(PlannedDowntime).order_by(PlannedDowntime.starts_at)
        if asset_id is not None:
            stmt = stmt.where(PlannedDowntime.asset_id == asset_id)
        return [PlannedDowntimeOut.of(p) for p in (await session.execute(stmt)).scalars()]

    @post("/planned-downtime", guards=[requires(*PLANNING_ROLES)])
    async def add_planned(self, session: AsyncSession, data: PlannedDowntimeIn) -> PlannedDowntimeOut:
        if data.ends_at <= data.starts_at:
            raise ValidationFailed("ends_at", "must be after starts_at")
        try:
            asset = await get_asset(session, data.asset_id)
        except NotFound:
            raise ValidationFailed("asset_id", "no such asset") from None
        row = PlannedDowntime(
            site_id=asset.site_id,
            asset_id=asset.id,
            kind=data.kind,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            note=data.note,
        )
        session.add(row)
        await session.flush()
        return PlannedDowntimeOut.of(row)
