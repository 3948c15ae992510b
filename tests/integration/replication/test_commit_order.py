"""The pull cursor never skips a late commit (PostgreSQL, two concurrent writers), and a cursor
over ids drawn at write time (a sequence or a timestamp) does."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.domain.maintenance import services as maintenance
from backend.lib.clock import FixedClock
from backend.replication.capture import FILER, file_pending
from backend.replication.changelog import CHANGES
from backend.replication.scope import device_scope
from backend.replication.service import SyncService
from backend.replication.store import SqlSnapshot, SqlStore
from sync.client import Replica
from sync.messages import PullRequest, PullResponse
from sync.store import ScopeKeys
from tests.factories import maintenance as mf
from tests.integration.replication._sim import WriteTimeIds
from tests.integration.replication.conftest import Plant

pytestmark = pytest.mark.postgres_only


@pytest.fixture(autouse=True)
def postgres_only(db_engine_name: str) -> None:
    if db_engine_name != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter (SQLite has a single writer)")


class PullingDevice:
    def __init__(self, service: SyncService, user_id: uuid.UUID) -> None:
        self.service = service
        self.user_id = user_id
        self.client_id = uuid.uuid4()
        self.replica = Replica()

    async def sync(self) -> None:
        async def scope(snap: SqlSnapshot) -> ScopeKeys:
            return await device_scope(snap.conn, self.user_id)

        while True:
            request = PullRequest(
                protocol_version=1,
                schema_version=1,
                client_id=self.client_id,
                cursor=self.replica.next_cursor(),
            )
            answer = await self.service.engine.pull(request, scope)
            assert isinstance(answer, PullResponse), answer
            if self.replica.receive(answer) is not None:
                return

    def comments(self) -> set[str]:
        return {
            data["body"]
            for (entity, _), (_, data) in self.replica.rows.items()
            if entity == "workorder_comment"
        }


@asynccontextmanager
async def writer(
    maker: async_sessionmaker[Any], plant: Plant, body: str, clock: FixedClock
) -> AsyncIterator[AsyncSession]:
    async with maker() as session:
        await maintenance.add_comment(session, mf.site_admin(plant.north.id), plant.wo.id, body, clock)
        await session.flush()
        yield session


async def lock_waiters(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return int((await conn.execute(query)).scalar_one())


async def until(check: Any) -> None:
    for _ in range(500):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never came true")


async def test_a_transaction_committing_after_a_pull_is_not_skipped(plant: Plant, clock: FixedClock) -> None:
    engine: AsyncEngine = plant.http.app.state.engine
    maker = async_sessionmaker(engine, expire_on_commit=False)
    service = SyncService(engine, clock)
    device = PullingDevice(service, plant.tech.id)
    await device.sync()
    async with writer(maker, plant, "written first, committed last", clock) as first:
        await first.run_sync(file_pending)  # its change ids are drawn: the clock row is now locked
        async with writer(maker, plant, "written second", clock) as second:
            committing = asyncio.ensure_future(second.commit())
            await until(lambda: _positive(lock_waiters(engine)))
            assert not committing.done(), "the second writer waits for the clock row"
            await device.sync()
            assert device.comments() == set()
            await first.commit()
            await committing
    await device.sync()
    assert device.comments() == {"written first, committed last", "written second"}


async def _positive(count: Any) -> bool:
    return int(await count) > 0


class WriteTimeIdStore(SqlStore):
    """The naive cursor: the highest change id visible is taken as the watermark."""

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqlSnapshot]:
        async with super().snapshot() as snap:
            await snap.load()
            snap.watermark = int(
                (await snap.conn.execute(select(func.max(CHANGES.c.change_id)))).scalar() or 0
            )
            yield snap


async def test_a_cursor_over_ids_drawn_at_write_time_skips_the_late_commit(
    plant: Plant, clock: FixedClock
) -> None:
    engine: AsyncEngine = plant.http.app.state.engine
    maker = async_sessionmaker(engine, expire_on_commit=False)
    service = SyncService(engine, clock)
    service.store = WriteTimeIdStore(engine, service.store.catalog, clock=clock)
    service.engine.store = service.store
    device = PullingDevice(service, plant.tech.id)
    await device.sync()
    async with maker() as session:
        start = int(await session.scalar(select(func.max(CHANGES.c.change_id))) or 0) + 1
    naive = WriteTimeIds(start)
    async with writer(maker, plant, "written first, committed last", clock) as first:
        first.info[FILER] = naive
        await first.flush()
        await first.run_sync(file_pending)
        async with writer(maker, plant, "written second", clock) as second:
            second.info[FILER] = naive
            await second.commit()
            await device.sync()
            await first.commit()
    await device.sync()
    assert device.comments() == {"written second"}, "the naive cursor skipped the late commit"
