"""The background sender: it survives restarts and crashed senders, wakes on commit, and several
senders never send one notification twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.app import create_app
from backend.domain.push import services
from backend.domain.push.delivery import claim_due, send_due
from backend.domain.push.jobs import push_worker
from backend.domain.push.models import PushOutbox, VapidKey
from backend.lib.clock import FixedClock
from backend.settings import Settings
from tests.integration.push.conftest import Floor
from tests.support.push_service import LocalPushService


async def _queue(session: AsyncSession, floor: Floor, count: int = 1) -> None:
    for n in range(count):
        await services.enqueue(session, floor.technician.id, {"type": "test", "title": f"note {n}"})
    await session.commit()


async def _statuses(session_maker: async_sessionmaker[Any]) -> list[str]:
    async with session_maker() as s:
        return list((await s.execute(select(PushOutbox.status))).scalars())


async def test_a_restarted_app_sends_what_was_left_pending(
    session: AsyncSession,
    settings: Settings,
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
) -> None:
    await _queue(session, floor)
    app = create_app(settings, clock=clock)
    async with AsyncTestClient(app=app), push_worker(app):
        await push_service.wait_for_messages(1)
    assert push_service.messages[0].json()["title"] == "note 0"
    assert await _statuses(session_maker) == ["sent"]


async def test_the_claim_of_a_sender_that_died_lapses_and_is_taken_over(
    session: AsyncSession,
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
) -> None:
    await _queue(session, floor)
    async with session_maker() as s:
        await claim_due(s, now=clock.now(), token="0" * 32, limit=10, lease=timedelta(minutes=5))
        await s.commit()
    assert await send_due(session_maker, clock, http_timeout=5) == 0
    clock.advance(timedelta(minutes=5))
    assert await send_due(session_maker, clock, http_timeout=5) == 1
    assert len(push_service.messages) == 1


async def test_the_worker_sends_as_soon_as_the_transaction_commits(
    session: AsyncSession,
    settings: Settings,
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
) -> None:
    app = create_app(settings, clock=clock)
    async with AsyncTestClient(app=app), push_worker(app, poll=60):
        async with asyncio.timeout(5):
            while True:  # the first pass has run (it creates the key) and the worker is idle
                async with session_maker() as s:
                    if (await s.execute(select(VapidKey))).first() is not None:
                        break
                await asyncio.sleep(0.01)
        await _queue(session, floor)
        await push_service.wait_for_messages(1, timeout=5)


async def test_two_senders_at_once_send_each_notification_once(
    session: AsyncSession,
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
) -> None:
    await _queue(session, floor, count=12)
    handled = await asyncio.gather(
        send_due(session_maker, clock, http_timeout=5, limit=4),
        send_due(session_maker, clock, http_timeout=5, limit=4),
        send_due(session_maker, clock, http_timeout=5, limit=4),
    )
    while await send_due(session_maker, clock, http_timeout=5):
        pass
    assert sum(handled) <= 12
    titles = sorted(m.json()["title"] for m in push_service.messages)
    assert titles == sorted(f"note {n}" for n in range(12))


async def test_finished_notifications_are_forgotten_after_a_week_and_pending_ones_never(
    session: AsyncSession,
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
) -> None:
    await _queue(session, floor)
    await send_due(session_maker, clock, http_timeout=5)
    push_service.fail_next(503)
    await _queue(session, floor)
    await send_due(session_maker, clock, http_timeout=5)
    async with session_maker() as s:
        assert await services.purge_finished(s, clock.now()) == 0
        assert await services.purge_finished(s, clock.now() + timedelta(days=7, seconds=1)) == 1
        await s.commit()
    assert await _statuses(session_maker) == ["pending"]
