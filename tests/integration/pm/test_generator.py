"""The generator makes each occurrence's work order once: across passes, stale views and processes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.domain.assets.models import Asset
from backend.domain.maintenance.models import WorkOrder
from backend.domain.pm.models import PmOccurrence, PmPlan
from backend.domain.pm.schemas import GeneratorReport
from backend.domain.pm.services.generator import calendar_candidates, settle
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.pm import PmFactory
from tests.integration.pm.conftest import Cell

MAR_10 = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


async def test_two_generator_passes_in_a_row_make_one_work_order_per_occurrence(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10)
    clock.set(MAR_10)
    first = await pm.generate()
    second = await pm.generate()
    assert (first.generated, second.generated, second.skipped) == (1, 0, 0)
    assert len(await pm.work_orders(plan)) == 1


async def test_an_occurrence_recorded_meanwhile_by_another_generator_is_not_made_twice(
    pm: PmFactory, cell: Cell, clock: FixedClock, session_maker: async_sessionmaker[Any]
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10)
    clock.set(MAR_10)
    report = GeneratorReport()
    async with session_maker() as late:
        late_plan = await late.get(PmPlan, plan.id)
        late_asset = await late.get(Asset, cell.machine.id)
        assert late_plan is not None
        assert late_asset is not None
        stale = await calendar_candidates(late, late_plan, late_asset.id, "UTC", clock.now())
        await late.commit()
        await pm.generate()
        async with late.begin():
            await settle(late, late_plan, late_asset, stale, clock, report)
    assert (report.generated, report.already) == (0, 1)
    assert len(await pm.work_orders(plan)) == 1


async def _worker(url: str, now: datetime, start_at: float) -> dict[str, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.pm._race_worker",
        url,
        now.isoformat(),
        str(start_at),
        cwd=str(ROOT),
        env={**os.environ, "GEMBA_LOG_LEVEL": "warning"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=180)
    assert proc.returncode == 0, err.decode()
    result: dict[str, int] = json.loads(out.decode().strip().splitlines()[-1])
    return result


@pytest.mark.postgres_only
async def test_two_generator_processes_racing_on_postgresql_make_each_work_order_once(
    db_engine_name: str, db_url: str, pm: PmFactory, factory: Factory, cell: Cell, session: AsyncSession
) -> None:
    if db_engine_name != "postgresql":
        pytest.skip("the race between two processes is a PostgreSQL matter (SQLite has one writer)")
    line = await factory.asset(cell.site, level="line")
    machines = [await factory.asset(cell.site, parent=line, asset_class="press") for _ in range(12)]
    await pm.calendar(None, MAR_10, every=1, unit="day", asset_class="press", under_asset_id=line.id)
    for machine in machines[:6]:
        await pm.calendar(machine, MAR_10, every=1, unit="week")
        await pm.calendar(machine, MAR_10 + timedelta(hours=1), every=2, unit="week")
    now = MAR_10 + timedelta(days=2, hours=2)
    start_at = time.time() + 3.0
    reports = await asyncio.gather(*(_worker(db_url, now, start_at) for _ in range(2)))
    expected_work_orders = 12 + 6 * 2
    session.expire_all()
    work_orders = await session.scalar(select(func.count()).select_from(WorkOrder))
    distinct = select(WorkOrder.pm_plan_id, WorkOrder.pm_occurrence_key).distinct().subquery()
    keys = await session.scalar(select(func.count()).select_from(distinct))
    occurrences = await session.scalar(select(func.count()).select_from(PmOccurrence))
    assert work_orders == keys == expected_work_orders
    assert occurrences == 12 * 3 + 6 * 2
    assert sum(r["generated"] for r in reports) == expected_work_orders
    assert sum(r["failed"] for r in reports) == 0
