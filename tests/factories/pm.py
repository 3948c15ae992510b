"""Factories for PM plans, meter readings and signal values, built through the services."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.assets.models import Asset
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.rules import Status
from backend.domain.meters.models import MeterReading
from backend.domain.people.models import Site, User
from backend.domain.pm import services
from backend.domain.pm.models import PmOccurrence, PmPlan
from backend.domain.pm.schemas import GeneratorReport, PlanCreate
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.maintenance import site_admin, walk

_seq = itertools.count(1)


class PmFactory:
    """Plans, readings and generator passes on the test clock; commits so other sessions see them."""

    def __init__(self, factory: Factory, clock: FixedClock, session_maker: async_sessionmaker[Any]) -> None:
        self.factory = factory
        self.session = factory.session
        self.clock = clock
        self.session_maker = session_maker
        self._technicians: dict[uuid.UUID, User] = {}

    async def plan(self, asset: Asset | None = None, **fields: Any) -> PmPlan:
        """A plan on `asset` (or, without it, as `fields` say: asset_class, under_asset_id, site_id)."""
        body: dict[str, Any] = {"name": f"PM plan {next(_seq)}", **fields}
        if asset is not None:
            body["asset_id"] = asset.id
        data = msgspec.convert(body, PlanCreate)
        site_id = asset.site_id if asset is not None else await self._site_of(data)
        plan = await services.create_plan(self.session, site_admin(site_id), data, self.clock)
        await self.factory.commit()
        return plan

    async def _site_of(self, data: PlanCreate) -> Any:
        if data.site_id is not None:
            return data.site_id
        assert data.under_asset_id is not None
        root = await self.session.get(Asset, data.under_asset_id)
        assert root is not None
        return root.site_id

    async def calendar(
        self,
        asset: Asset | None,
        starts_at: datetime,
        *,
        every: int = 1,
        unit: str = "month",
        schedule: str = "fixed",
        **fields: Any,
    ) -> PmPlan:
        return await self.plan(
            asset, kind="calendar", every=every, unit=unit, schedule=schedule, starts_at=starts_at, **fields
        )

    async def metered(
        self, asset: Asset | None, *, meter: str = "run_hours", interval: float = 500.0, **fields: Any
    ) -> PmPlan:
        return await self.plan(asset, kind="meter", meter=meter, meter_interval=interval, **fields)

    async def condition(
        self,
        asset: Asset | None,
        *,
        signal: str = "vibration",
        operator: str = ">",
        threshold: float = 7.1,
        duration_s: int = 600,
        **fields: Any,
    ) -> PmPlan:
        return await self.plan(
            asset,
            kind="condition",
            signal=signal,
            operator=operator,
            threshold=threshold,
            duration_s=duration_s,
            **fields,
        )

    async def pause(self, plan: PmPlan) -> PmPlan:
        plan = await services.pause_plan(self.session, site_admin(plan.site_id), plan.id, self.clock)
        await self.factory.commit()
        return plan

    async def resume(self, plan: PmPlan) -> PmPlan:
        plan = await services.resume_plan(self.session, site_admin(plan.site_id), plan.id, self.clock)
        await self.factory.commit()
        return plan

    async def reading(
        self,
        asset: Asset,
        value: float,
        *,
        meter: str = "run_hours",
        at: datetime | None = None,
        source: str = "manual",
        reset: bool = False,
    ) -> MeterReading | None:
        actor = site_admin(asset.site_id) if source == "manual" else None
        row = await services.record_meter_reading(
            self.session,
            actor,
            asset.id,
            meter,
            value,
            at or self.clock.now(),
            source,  # type: ignore[arg-type]
            reset=reset,
            clock=self.clock,
        )
        await self.factory.commit()
        return row

    async def signal(
        self, asset: Asset, values: Sequence[tuple[datetime, float]], *, signal: str = "vibration"
    ) -> list[PmOccurrence]:
        fired = await services.record_signal_values(self.session, asset.site_id, asset.id, signal, values)
        await self.factory.commit()
        return fired

    async def generate(self) -> GeneratorReport:
        return await services.run_generator(self.session_maker, self.clock)

    async def work_orders(self, plan: PmPlan) -> list[WorkOrder]:
        stmt = (
            select(WorkOrder).where(WorkOrder.pm_plan_id == plan.id).order_by(WorkOrder.due_at, WorkOrder.seq)
        )
        return list((await self.session.execute(stmt.execution_options(populate_existing=True))).scalars())

    async def plans(self) -> list[PmPlan]:
        stmt = select(PmPlan).order_by(PmPlan.created_at, PmPlan.id)
        return list((await self.session.execute(stmt.execution_options(populate_existing=True))).scalars())

    async def occurrences(self, plan: PmPlan) -> list[PmOccurrence]:
        stmt = select(PmOccurrence).where(PmOccurrence.plan_id == plan.id).order_by(PmOccurrence.due_at)
        return list((await self.session.execute(stmt.execution_options(populate_existing=True))).scalars())

    async def _technician(self, site_id: uuid.UUID) -> User:
        if site_id not in self._technicians:
            site = await self.session.get(Site, site_id)
            assert site is not None
            self._technicians[site_id] = await self.factory.user(site, role="technician")
        return self._technicians[site_id]

    async def complete(self, wo: WorkOrder, at: datetime) -> WorkOrder:
        """Assign, start and finish `wo` with the clock standing at `at`."""
        return await self._walk(wo, Status.DONE, at)

    async def cancel(self, wo: WorkOrder, at: datetime) -> WorkOrder:
        return await self._walk(wo, Status.CANCELLED, at)

    async def _walk(self, wo: WorkOrder, target: Status, at: datetime) -> WorkOrder:
        then = FixedClock(at)
        if target is not Status.CANCELLED and wo.status == Status.OPEN:
            tech = await self._technician(wo.site_id)
            wo = await maintenance.assign(self.session, site_admin(wo.site_id), wo.id, [tech.id], then)
            await self.factory.commit()
        return await walk(self.factory, wo, target, then)
