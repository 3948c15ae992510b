"""Live nudges: `GET /api/sync/events` pokes a device's stream when its scope changes, within one
process (SQLite) and across API processes through PostgreSQL's LISTEN/NOTIFY. The streams are
read from real servers on 127.0.0.1; writes go through the test client's app (another "process")
or straight to the database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from litestar import Litestar

from backend.app import create_app
from backend.domain.people.models import UserSite
from backend.lib.clock import FixedClock
from backend.replication.service import service_for
from backend.settings import Settings
from tests.integration.replication.conftest import Plant

GUARD_SECONDS = 30.0
"""Only a guard against hanging; nothing is asserted about durations."""


class Stream:
    def __init__(self) -> None:
        self.chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self.status: int | None = None

    async def event(self) -> str:
        """The next event or comment block."""
        buffer = b""
        while b"\n\n" not in buffer:
            buffer += await asyncio.wait_for(self.chunks.get(), GUARD_SECONDS)
        return buffer.decode()

    async def poke(self) -> None:
        while "event: poke" not in await self.event():
            pass


@asynccontextmanager
async def served(app: Litestar) -> AsyncIterator[str]:
    """The app as a real server on a free 127.0.0.1 port, in this event loop."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    task = asyncio.ensure_future(server.serve())
    try:
        await asyncio.wait_for(_started(server), GUARD_SECONDS)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, GUARD_SECONDS)


async def _started(server: uvicorn.Server) -> None:
    while not server.started:
        await asyncio.sleep(0.01)


@asynccontextmanager
async def events(base: str, token: str) -> AsyncIterator[Stream]:
    """Open the event stream with `?access_token=`, as a browser's EventSource would."""
    stream = Stream()
    async with (
        httpx.AsyncClient(timeout=None) as http,
        http.stream("GET", f"{base}/api/sync/events", params={"access_token": token}) as response,
    ):
        stream.status = response.status_code

        async def read() -> None:
            async for chunk in response.aiter_raw():
                stream.chunks.put_nowait(chunk)

        reader = asyncio.ensure_future(read())
        try:
            assert stream.status == 200
            assert "connected" in await stream.event()
            yield stream
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


async def comment(device: Any, plant: Plant) -> None:
    args = {"id": str(uuid.uuid4()), "work_order_id": str(plant.wo.id), "body": "seen"}
    assert (await device.mutate("workorder.comment", args)).status == "applied"


async def test_a_change_in_the_devices_scope_pokes_its_stream(
    plant: Plant, settings: Settings, clock: FixedClock
) -> None:
    app = create_app(settings, clock=clock)
    tech, writer = await plant.device(plant.tech), await plant.device(plant.tech2)
    async with served(app) as base, events(base, tech.token) as stream:
        await _listening(app)
        await comment(writer, plant)
        await stream.poke()


async def test_a_change_elsewhere_does_not_poke(
    plant: Plant, settings: Settings, clock: FixedClock, db_engine_name: str
) -> None:
    if db_engine_name != "sqlite":
        pytest.skip("in-process delivery happens during the commit only on SQLite")
    app = create_app(settings, clock=clock)
    tech = await plant.device(plant.tech)
    async with served(app) as base, events(base, tech.token) as stream:
        (sub,) = service_for(app).hub.subscriptions
        await plant.factory.asset(plant.south, code="SOUTH-2")
        assert sub.pokes == 0
        await plant.factory.asset(plant.north, code="NORTH-2")
        assert sub.pokes > 0
        await stream.poke()


async def test_a_grant_change_pokes_the_users_streams(
    plant: Plant, settings: Settings, clock: FixedClock
) -> None:
    app = create_app(settings, clock=clock)
    tech = await plant.device(plant.tech)
    async with served(app) as base, events(base, tech.token) as stream:
        await _listening(app)
        plant.factory.session.add(UserSite(user_id=plant.tech.id, site_id=plant.south.id))
        await plant.factory.commit()
        await stream.poke()
        await plant.factory.asset(plant.south, code="NOW-MINE")
        await stream.poke()


async def test_a_write_through_one_api_process_pokes_the_streams_of_another(
    plant: Plant, settings: Settings, clock: FixedClock, db_engine_name: str
) -> None:
    if db_engine_name != "postgresql":
        pytest.skip("several API processes share a PostgreSQL database")
    other = create_app(settings, clock=clock)
    tech, writer = await plant.device(plant.tech), await plant.device(plant.tech2)
    async with served(other) as base, events(base, tech.token) as stream:
        await _listening(other)
        await comment(writer, plant)
        await stream.poke()


async def _listening(app: Litestar) -> None:
    hub = service_for(app).hub
    if hub.postgres:
        await asyncio.wait_for(hub.listening.wait(), GUARD_SECONDS)
