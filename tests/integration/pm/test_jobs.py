"""The generator runs in the background of the API process when background jobs are on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from backend import app as app_module
from backend.app import create_app
from backend.domain.pm.jobs import pm_generator
from backend.lib.clock import FixedClock
from backend.settings import Settings
from tests.factories.pm import PmFactory
from tests.integration.pm.conftest import Cell

MAR_10 = datetime(2026, 3, 10, 6, tzinfo=UTC)


async def test_the_background_job_generates_due_work_orders_when_the_app_starts(
    pm: PmFactory, cell: Cell, clock: FixedClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10)
    clock.set(MAR_10)
    monkeypatch.setattr(app_module, "BACKGROUND", [pm_generator])
    app = create_app(msgspec.structs.replace(settings, background_jobs=True), clock=clock)
    async with AsyncTestClient(app=app):
        for _ in range(100):
            if await pm.work_orders(plan):
                break
            await asyncio.sleep(0.1)
    assert len(await pm.work_orders(plan)) == 1
