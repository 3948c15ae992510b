"""HTTP endpoints for quality under /api/quality."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import Actor
from backend.domain.quality import services
from backend.domain.quality.schemas import (
    CheckIn,
    CheckOut,
    DefectCodeCreate,
    DefectCodeOut,
    DueOut,
    HoldIn,
    HoldOut,
    NonconformanceClose,
    NonconformanceCreate,
    NonconformanceOut,
    ParetoOut,
    PlanCreate,
    PlanOut,
    ReleaseIn,
    SpcOut,
)
from backend.lib.clock import Clock
from backend.lib.errors import ValidationFailed


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(field, "give a timezone (e.g. Z or +01:00)")
    return value


class QualityController(Controller):
    path = "/api/quality"
    tags = ["quality"]

    @get("/defect-codes")
    async def defect_codes(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        family: str | None = Parameter(default=None, max_length=60),
    ) -> list[DefectCodeOut]:
        rows = await services.list_defect_codes(session, site_id=site_id, family=family)
        return [DefectCodeOut.of(r) for r in rows]

    @post("/defect-codes")
    async def create_defect_code(
        self, session: AsyncSession, actor: Actor, data: DefectCodeCreate
    ) -> DefectCodeOut:
        return DefectCodeOut.of(await services.create_defect_code(session, actor, data))

    @get("/plans")
    async def plans(
        self, session: AsyncSession, product_id: uuid.UUID | None = None, include_inactive: bool = False
    ) -> list[PlanOut]:
        rows = await services.list_plans(session, product_id=product_id, include_inactive=include_inactive)
        return [await services.plan_out(session, p) for p in rows]

    @post("/plans")
    async def create_plan(self, session: AsyncSession, actor: Actor, data: PlanCreate) -> PlanOut:
        return await services.plan_out(session, await services.create_plan(session, actor, data))

    @get("/plans/{plan_id:uuid}")
    async def get_plan(self, session: AsyncSession, plan_id: uuid.UUID) -> PlanOut:
        return await services.plan_out(session, await services.get_plan(session, plan_id))

    @get("/operations/{operation_id:uuid}/checks")
    async def checks(self, session: AsyncSession, operation_id: uuid.UUID) -> list[CheckOut]:
        return await services.checks_of(session, operation_id)

    @post("/operations/{operation_id:uuid}/checks")
    async def record_check(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID, data: CheckIn
    ) -> CheckOut:
        return await services.record_check(session, actor, operation_id, data, clock)

    @get("/operations/{operation_id:uuid}/due")
    async def due(self, session: AsyncSession, clock: Clock, operation_id: uuid.UUID) -> list[DueOut]:
        """Which samples are due on the operation, per characteristic of its plan."""
        return await services.due_checks(session, operation_id, clock)

    @get("/nonconformances")
    async def nonconformances(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        status: Literal["open", "closed"] | None = None,
        lot_id: uuid.UUID | None = None,
        operation_id: uuid.UUID | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[NonconformanceOut]:
        rows = await services.list_nonconformances(
            session,
            site_id=site_id,
            status=status,
            lot_id=lot_id,
            operation_id=operation_id,
            limit=limit,
            offset=offset,
        )
        return [NonconformanceOut.of(r) for r in rows]

    @post("/nonconformances")
    async def create_nonconformance(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: NonconformanceCreate
    ) -> NonconformanceOut:
        return NonconformanceOut.of(await services.create_nonconformance(session, actor, data, clock))

    @get("/nonconformances/{nc_id:uuid}")
    async def get_nonconformance(self, session: AsyncSession, nc_id: uuid.UUID) -> NonconformanceOut:
        return NonconformanceOut.of(await services.get_nonconformance(session, nc_id))

    @post("/nonconformances/{nc_id:uuid}/close", status_code=200)
    async def close_nonconformance(
        self, session: AsyncSession, actor: Actor, clock: Clock, nc_id: uuid.UUID, data: NonconformanceClose
    ) -> NonconformanceOut:
        return NonconformanceOut.of(await services.close_nonconformance(session, actor, nc_id, data, clock))

    @get("/holds")
    async def holds(
        self,
        session: AsyncSession,
        lot_id: uuid.UUID | None = None,
        active: bool = False,
        limit: int = Parameter(default=200, ge=1, le=1000),
    ) -> list[HoldOut]:
        rows = await services.holds_of(session, lot_id=lot_id, active_only=active, limit=limit)
        return [HoldOut.of(h) for h in rows]

    @post("/lots/{lot_id:uuid}/hold")
    async def hold(
        self, session: AsyncSession, actor: Actor, clock: Clock, lot_id: uuid.UUID, data: HoldIn
    ) -> HoldOut:
        return HoldOut.of(await services.hold_lot(session, actor, lot_id, data.reason, clock))

    @post("/lots/{lot_id:uuid}/release", status_code=200)
    async def release(
        self, session: AsyncSession, actor: Actor, clock: Clock, lot_id: uuid.UUID, data: ReleaseIn
    ) -> list[HoldOut]:
        """Release a held lot (managers and admins)."""
        return [HoldOut.of(h) for h in await services.release_lot(session, actor, lot_id, data.note, clock)]

    @get("/pareto")
    async def pareto(
        self,
        session: AsyncSession,
        source: Literal["scrap", "nonconformances"] = "scrap",
        site_id: uuid.UUID | None = None,
        start: datetime | None = Parameter(query="from", default=None),
        end: datetime | None = Parameter(query="to", default=None),
        line_id: uuid.UUID | None = None,
        family: str | None = Parameter(default=None, max_length=60),
    ) -> ParetoOut:
        """Defects by code, largest first, with cumulative percent."""
        return await services.defect_pareto(
            session,
            source=source,
            site_id=site_id,
            start=_aware(start, "from"),
            end=_aware(end, "to"),
            line_id=line_id,
            family=family,
        )

    @get("/characteristics/{characteristic_id:uuid}/spc")
    async def spc(
        self,
        session: AsyncSession,
        characteristic_id: uuid.UUID,
        chart: Literal["xbar_r", "individuals"] | None = None,
        start: datetime | None = Parameter(query="from", default=None),
        end: datetime | None = Parameter(query="to", default=None),
        limit: int = Parameter(default=100, ge=2, le=1000),
    ) -> SpcOut:
        """X̄–R or individuals chart data with control limits, Cp and Cpk."""
        return await services.spc_chart(
            session,
            characteristic_id,
            chart=chart,
            start=_aware(start, "from"),
            end=_aware(end, "to"),
            limit=limit,
        )


CONTROLLERS = [QualityController]
