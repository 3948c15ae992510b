"""HTTP endpoints for reliability figures: MTTR, MTBF, failure Pareto, backlog, maintenance cost."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance import reliability
from backend.domain.maintenance.controller._convert import period
from backend.domain.people.roles import MAINTENANCE_ROLES
from backend.lib.clock import Clock
from backend.web.auth import requires


class ReliabilityController(Controller):
    """Periods are half-open [start, end) with timezones; by default the 30 days up to now."""

    path = "/api/reliability"
    tags = ["reliability"]
    guards = [requires(*MAINTENANCE_ROLES)]

    @get("/mttr")
    async def mttr(
        self,
        session: AsyncSession,
        clock: Clock,
        start: datetime | None = None,
        end: datetime | None = None,
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
    ) -> reliability.MttrOut:
        begin, stop = period(start, end, clock)
        return await reliability.mttr(session, start=begin, end=stop, site_id=site_id, asset_id=asset_id)

    @get("/mtbf")
    async def mtbf(
        self,
        session: AsyncSession,
        clock: Clock,
        start: datetime | None = None,
        end: datetime | None = None,
        group_by: reliability.GroupBy = "asset",
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
    ) -> list[reliability.MtbfRow]:
        begin, stop = period(start, end, clock)
        return await reliability.mtbf(
            session, start=begin, end=stop, group_by=group_by, site_id=site_id, asset_id=asset_id
        )

    @get("/pareto")
    async def pareto(
        self,
        session: AsyncSession,
        clock: Clock,
        start: datetime | None = None,
        end: datetime | None = None,
        by: reliability.CodeSlot = "problem",
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
    ) -> list[reliability.ParetoOut]:
        begin, stop = period(start, end, clock)
        return await reliability.pareto(
            session, start=begin, end=stop, by=by, site_id=site_id, asset_id=asset_id
        )

    @get("/backlog")
    async def backlog(
        self,
        session: AsyncSession,
        clock: Clock,
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
    ) -> reliability.BacklogOut:
        return await reliability.backlog(session, now=clock.now(), site_id=site_id, asset_id=asset_id)

    @get("/costs/work-orders/{wo_id:uuid}")
    async def work_order_cost(self, session: AsyncSession, wo_id: uuid.UUID) -> reliability.WorkOrderCostOut:
        return await reliability.work_order_cost(session, wo_id)

    @get("/costs/assets")
    async def asset_costs(
        self,
        session: AsyncSession,
        clock: Clock,
        start: datetime | None = None,
        end: datetime | None = None,
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
    ) -> list[reliability.AssetCostOut]:
        begin, stop = period(start, end, clock)
        return await reliability.asset_costs(
            session, start=begin, end=stop, site_id=site_id, asset_id=asset_id
        )
