"""Live nudges: `GET /api/sync/events` pokes a device's stream when its scope changes, within one
process (SQLite) and across API processes through PostgreSQL's LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

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
        self.closed = asyncio.Event()

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
async def events(app: Litestar, token: str) -> AsyncIterator[Stream]:
    """Open the event stream with `?access_token=`, as a browser's EventSource would."""
    stream = Stream()
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/sync/events",
        "raw_path": b"/api/sync/events",
        "query_string": f"access_token={token}".encode(),
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "root_path": "",
        "state": {},
    }
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await stream.closed.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            stream.status = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            stream.chunks.put_nowait(message["body"])

    task = asyncio.ensure_future(app(scope, receive, send))
    try:
        assert "connected" in await stream.event()
        assert stream.status == 200
        yield stream
    finally:
        stream.closed.set()
        task.cancel()
        with_suppressed = asyncio.gather(task, return_exceptions=True)
        await with_suppressed


async def comment(device: Any, plant: Plant) -> None:
    args = {"id": str(uuid.uuid4()), "work_order_id": str(plant.wo.id), "body": "seen"}
    assert (await device.mutate("workorder.comment", args)).status == "applied"


async def test_a_change_in_the_devices_scope_pokes_its_stream(plant: Plant) -> None:
    tech, writer = await plant.device(plant.tech), await plant.device(plant.tech2)
    async with events(plant.http.app, tech.token) as stream:
        await _listening(plant.http.app)
        await comment(writer, plant)
        await stream.poke()


async def test_a_change_elsewhere_does_not_poke(plant: Plant, db_engine_name: str) -> None:
    if db_engine_name != "sqlite":
        pytest.skip("in-process delivery is synchronous only on SQLite")
    tech, south = await plant.device(plant.tech), await plant.device(plant.south_tech)
    await plant.factory.asset(plant.south, code="SOUTH-1")
    async with events(plant.http.app, tech.token):
        hub = service_for(plant.http.app).hub
        (sub,) = list(hub._subs)
        await south.sync()
        await plant.factory.asset(plant.south, code="SOUTH-2")
        assert not sub._event.is_set()
        await plant.factory.asset(plant.north, code="NORTH-2")
        assert sub._event.is_set()


async def test_a_grant_change_pokes_the_users_streams(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    async with events(plant.http.app, tech.token) as stream:
        await _listening(plant.http.app)
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
    async with AsyncTestClient(app=other), events(other, tech.token) as stream:
        await _listening(other)
        await comment(writer, plant)
        await stream.poke()


async def _listening(app: Litestar) -> None:
    hub = service_for(app).hub
    if hub.postgres:
        await asyncio.wait_for(hub.listening.wait(), GUARD_SECONDS)
