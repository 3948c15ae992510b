"""Background jobs: the downtime watcher raises tickets for stops that go on, once even when
several replicas watch; old raw signal values are purged."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import app as app_module
from backend.app import create_app
from backend.collector.protocol import INGEST_PATH, encode_batch
from backend.collector.sample import Sample
from backend.db.engine import make_engine, make_sessionmaker
from backend.domain.downtime.jobs import JOBS as DOWNTIME_JOBS
from backend.domain.downtime.jobs import downtime_watcher, watch_once
from backend.domain.machines.jobs import JOBS as MACHINE_JOBS
from backend.domain.machines.jobs import purge_once, signal_retention
from backend.domain.machines.models import SignalValue
from backend.domain.maintenance.models import WorkOrder
from backend.lib.clock import FixedClock
from backend.settings import Settings, SettingsError, load_settings
from tests.factories import Factory
from tests.factories.machines import SampleSeq, batch, collector_token

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _send(client: AsyncTestClient[Any], token: str, *samples: Sample) -> None:
    r = await client.post(
        INGEST_PATH, content=encode_batch(batch(*samples)), headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text


async def _work_orders(session_maker: async_sessionmaker[Any]) -> list[WorkOrder]:
    async with session_maker() as s:
        return list((await s.execute(select(WorkOrder))).scalars())


async def _a_long_stop(client: AsyncTestClient[Any], factory: Factory) -> None:
    """M1 runs from T0 and stops at T0+60 s without a fault code (no ticket at ingest)."""
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _send(client, token, s("M1", "run_state", True, _at(0)), s("M1", "run_state", False, _at(60)))


def test_the_watcher_and_the_retention_purge_are_discovered_background_jobs() -> None:
    assert downtime_watcher in app_module.BACKGROUND and [downtime_watcher] == DOWNTIME_JOBS
    assert signal_retention in app_module.BACKGROUND and [signal_retention] == MACHINE_JOBS


async def test_the_watcher_raises_the_ticket_of_a_stop_that_goes_on(
    factory: Factory,
    settings: Settings,
    clock: FixedClock,
    session_maker: async_sessionmaker[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.set(_at(0))
    monkeypatch.setattr(app_module, "BACKGROUND", [lambda app: downtime_watcher(app, every=0.05)])
    app = create_app(msgspec.structs.replace(settings, background_jobs=True), clock=clock)
    async with AsyncTestClient(app=app) as client:
        await _a_long_stop(client, factory)
        clock.set(_at(200))
        await asyncio.sleep(0.2)
        assert await _work_orders(session_maker) == []
        clock.set(_at(60 + 301))
        async with asyncio.timeout(10):
            while not await _work_orders(session_maker):
                await asyncio.sleep(0.05)
    [wo] = await _work_orders(session_maker)
    assert wo.type == "corrective"


async def test_replicas_watching_at_once_raise_one_ticket(
    client: AsyncTestClient[Any], factory: Factory, clock: FixedClock, db_url: str
) -> None:
    await _a_long_stop(client, factory)
    clock.set(_at(60 + 400))
    engines = [make_engine(db_url) for _ in range(4)]
    try:
        makers = [make_sessionmaker(e) for e in engines]
        outcomes = await asyncio.wait_for(
            asyncio.gather(*(watch_once(m, clock) for m in makers), return_exceptions=True), 30
        )
        # A replica that loses the race skips its pass (PostgreSQL) or fails it to retry later.
        assert all(o is None or isinstance(o, int | DBAPIError) for o in outcomes), outcomes
        assert len(await _work_orders(makers[0])) == 1
        assert await watch_once(makers[0], clock) == 0
    finally:
        for engine in engines:
            await engine.dispose()


async def test_signal_values_older_than_the_retention_are_purged(
    factory: Factory,
    session: AsyncSession,
    clock: FixedClock,
    session_maker: async_sessionmaker[Any],
) -> None:
    site = await factory.site()
    machine = await factory.asset(site)
    now = clock.now()
    for age_days, value in ((45, 1.0), (31, 2.0), (29, 3.0), (0, 4.0)):
        session.add(
            SignalValue(
                site_id=site.id,
                asset_id=machine.id,
                signal="temperature",
                at=now - timedelta(days=age_days),
                value=value,
            )
        )
    await session.commit()
    assert await purge_once(session_maker, clock, keep_days=30) == 2
    async with session_maker() as s:
        kept = sorted((await s.execute(select(SignalValue.value))).scalars())
    assert kept == [3.0, 4.0]


def test_the_retention_is_a_setting_of_at_least_one_day() -> None:
    assert load_settings({}).signal_retention_days == 30
    assert load_settings({"GEMBA_SIGNAL_RETENTION_DAYS": "7"}).signal_retention_days == 7
    with pytest.raises(SettingsError, match="GEMBA_SIGNAL_RETENTION_DAYS"):
        load_settings({"GEMBA_SIGNAL_RETENTION_DAYS": "0"})
