"""The demo plant `gemba run` starts: simulators and one collector per site as child processes,
whose samples reach the real API, and which all end cleanly when stopped.

Slow (child processes, about half a minute); SQLite only, like `gemba run`'s default."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.collector import demo_plant
from backend.demo.seed import seed_demo
from backend.domain.people.models import User
from backend.lib.clock import SystemClock
from backend.settings import Settings
from tests.factories import Factory
from tests.support.api_server import free_port, serving

pytestmark = pytest.mark.slow


@pytest.fixture
def db_engine_name() -> str:
    return "sqlite"


async def _admin_headers(session: AsyncSession, factory: Factory) -> dict[str, str]:
    admin = await session.scalar(select(User).where(User.username == "admin"))
    assert admin is not None
    return await factory.headers(admin)


async def _states(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    r = await client.get("/api/machines/states", headers=headers)
    assert r.status_code == 200, r.text
    return {row["asset_id"]: row["state"] for row in r.json()}


async def test_the_demo_plant_feeds_the_api_and_stops_cleanly(
    settings: Settings, session: AsyncSession, factory: Factory, tmp_path: Path
) -> None:
    assert await seed_demo(session)
    await session.commit()
    headers = await _admin_headers(session, factory)
    machines = sum(len(codes) for codes in demo_plant.machines_by_site().values())
    port = free_port()
    plant = demo_plant.launch(
        settings,
        "127.0.0.1",
        port,
        workdir=tmp_path / "plant",
        opcua_port=free_port(),
        modbus_port=free_port(),
    )
    try:
        assert len(plant.processes) == 3
        app = create_app(settings, clock=SystemClock())
        async with serving(app, port) as url, httpx.AsyncClient(base_url=url, timeout=10) as client:
            async with asyncio.timeout(90):
                # Every machine reports a run state (unknown until its collector reached the PLCs).
                while True:
                    states = await _states(client, headers)
                    known = [s for s in states.values() if s in {"running", "stopped"}]
                    if len(known) == machines:
                        break
                    await asyncio.sleep(0.5)
            await asyncio.to_thread(plant.stop)
    finally:
        plant.stop()
    assert [p.returncode for p in plant.processes] == [0, 0, 0]
    logs = "".join(p.read_text() for p in (tmp_path / "plant").glob("*.log"))
    assert "Traceback" not in logs


async def test_a_restart_reuses_the_demo_collector_tokens(
    settings: Settings, session: AsyncSession, tmp_path: Path
) -> None:
    assert await seed_demo(session)
    await session.commit()
    store = tmp_path / "tokens.json"
    first = await asyncio.to_thread(demo_plant.ensure_tokens, settings, store)
    again = await asyncio.to_thread(demo_plant.ensure_tokens, settings, store)
    assert sorted(first) == ["NORTH", "SOUTH"]
    assert again == first
    assert store.stat().st_mode & 0o077 == 0
