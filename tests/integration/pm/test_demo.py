"""The demo plant ships PM plans of every kind, and its first generator pass makes work orders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.demo.seed import seed_demo
from backend.domain.maintenance.models import WorkOrder
from backend.domain.pm.models import PmPlan
from backend.domain.pm.services import run_generator
from backend.lib.clock import SystemClock


async def test_the_demo_has_calendar_meter_and_condition_plans_that_generate_work(
    session: AsyncSession, session_maker: async_sessionmaker[Any]
) -> None:
    assert await seed_demo(session) is True
    await session.commit()
    kinds = set((await session.execute(select(PmPlan.kind))).scalars())
    assert kinds == {"calendar", "meter", "condition"}
    report = await run_generator(session_maker, SystemClock())
    assert report.failed == []
    types = set(
        (await session.execute(select(WorkOrder.type).where(WorkOrder.pm_plan_id.is_not(None)))).scalars()
    )
    assert types == {"preventive"}
