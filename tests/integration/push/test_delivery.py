"""Sending: an assignment queues a notification in its own transaction; the sender encrypts it for
every device, signs it with VAPID, retries what the push service asks to retry and forgets
subscriptions that are gone. The push service is a real HTTP server on loopback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.rules import Priority
from backend.domain.maintenance.schemas import WorkOrderCreate
from backend.domain.people.models import Device
from backend.domain.push import rules, services
from backend.domain.push.delivery import send_due
from backend.domain.push.models import PushOutbox, PushSubscription
from backend.lib.clock import FixedClock
from tests.factories import Factory, admin_actor
from tests.factories import push as push_factory
from tests.integration.push.conftest import Floor
from tests.support.push_service import LocalPushService


async def _assign(
    session: AsyncSession,
    clock: FixedClock,
    floor: Floor,
    *,
    priority: str = "high",
    title: str = "Spindle overheats",
) -> WorkOrder:
    data = WorkOrderCreate(asset_id=floor.machine.id, title=title, priority=Priority(priority))
    wo = await maintenance.create_work_order(session, admin_actor(floor.site), data, clock)
    await maintenance.assign(session, admin_actor(floor.site), wo.id, [floor.technician.id], clock)
    return wo


async def _outbox(session_maker: async_sessionmaker[Any]) -> list[PushOutbox]:
    async with session_maker() as s:
        return list((await s.execute(select(PushOutbox).order_by(PushOutbox.created_at))).scalars())


async def _send(session_maker: async_sessionmaker[Any], clock: FixedClock) -> int:
    return await send_due(session_maker, clock, http_timeout=5)


async def test_the_assigned_technicians_phone_decrypts_the_work_order(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    wo = await _assign(session, clock, floor)
    await session.commit()
    assert await _send(session_maker, clock) == 1
    [message] = push_service.messages
    assert message.subscription_id == floor.browser.id
    assert message.json() == {
        "type": "work_order.assigned",
        "work_order_id": str(wo.id),
        "number": wo.number,
        "asset": {"id": str(floor.machine.id), "code": "CNC-01", "name": "CNC mill 1"},
        "priority": "high",
        "title": "Spindle overheats",
        "url": f"/wo/{wo.id}",
    }


async def test_the_push_is_signed_with_the_servers_vapid_key_for_the_services_origin_and_port(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    await _assign(session, clock, floor)
    await session.commit()
    await _send(session_maker, clock)
    [message] = push_service.messages
    assert message.vapid_claims["aud"] == push_service.origin
    assert push_service.origin.rsplit(":", 1)[1].isdigit()
    async with session_maker() as s:
        assert message.vapid_key == (await services.vapid_key(s)).public_key


async def test_the_notification_is_queued_in_the_assignments_own_transaction(
    session: AsyncSession, session_maker: async_sessionmaker[Any], clock: FixedClock, floor: Floor
) -> None:
    await _assign(session, clock, floor)
    queued = (await session.execute(select(PushOutbox))).scalars().all()
    assert [row.user_id for row in queued] == [floor.technician.id]
    await session.rollback()
    assert await _outbox(session_maker) == []


async def test_an_emergency_is_sent_with_high_urgency(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    await _assign(session, clock, floor, priority="emergency")
    await session.commit()
    await _send(session_maker, clock)
    assert [m.urgency for m in push_service.messages] == ["high"]


async def test_ordinary_work_is_sent_with_normal_urgency_a_ttl_and_a_topic(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    wo = await _assign(session, clock, floor, priority="medium")
    await session.commit()
    await _send(session_maker, clock)
    [message] = push_service.messages
    assert (message.urgency, message.ttl) == ("normal", rules.DEFAULT_TTL)
    assert message.topic == rules.topic_for("wo", wo.id)


async def test_a_429_is_retried_no_sooner_than_retry_after_says(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    await _assign(session, clock, floor)
    await session.commit()
    push_service.fail_next(429, retry_after="120")
    assert await _send(session_maker, clock) == 1
    [row] = await _outbox(session_maker)
    assert (row.status, row.attempts, row.next_attempt_at) == (
        "pending",
        1,
        clock.now() + timedelta(seconds=120),
    )
    clock.advance(timedelta(seconds=119))
    assert await _send(session_maker, clock) == 0
    clock.advance(timedelta(seconds=1))
    assert await _send(session_maker, clock) == 1
    assert [a.status for a in push_service.attempts] == [429, 201]
    assert push_service.messages[0].ttl == rules.DEFAULT_TTL - 120


async def test_server_errors_are_retried_with_exponential_backoff(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    await _assign(session, clock, floor)
    await session.commit()
    push_service.fail_next(503, times=2)
    await _send(session_maker, clock)
    clock.advance(timedelta(seconds=10))
    await _send(session_maker, clock)
    [row] = await _outbox(session_maker)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=20)
    clock.advance(timedelta(seconds=20))
    await _send(session_maker, clock)
    assert [a.status for a in push_service.attempts] == [503, 503, 201]
    assert (await _outbox(session_maker))[0].status == "sent"


@pytest.mark.parametrize("status", [404, 410])
async def test_a_subscription_the_push_service_calls_gone_is_deleted(
    status: int,
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    await _assign(session, clock, floor)
    await session.commit()
    push_service.fail_next(status)
    await _send(session_maker, clock)
    async with session_maker() as s:
        assert (await s.execute(select(PushSubscription))).first() is None
    [row] = await _outbox(session_maker)
    assert row.status == "skipped"


async def test_only_the_failed_device_is_retried_when_another_already_got_it(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    factory: Factory,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    tablet = push_service.subscribe()
    await push_factory.subscription(factory, floor.technician, tablet)
    await _assign(session, clock, floor)
    await session.commit()
    push_service.fail_next(500)
    await _send(session_maker, clock)
    clock.advance(timedelta(seconds=10))
    await _send(session_maker, clock)
    assert sorted(m.subscription_id for m in push_service.messages) == sorted([floor.browser.id, tablet.id])


async def test_a_revoked_device_gets_nothing_and_loses_its_subscription(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    phone = await session.get(Device, floor.phone.id)
    assert phone is not None
    phone.revoked_at = clock.now()
    await _assign(session, clock, floor)
    await session.commit()
    await _send(session_maker, clock)
    assert push_service.attempts == []
    async with session_maker() as s:
        assert (await s.execute(select(PushSubscription))).first() is None


async def test_a_long_title_is_clipped_and_the_body_stays_under_four_kilobytes(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    wo = await _assign(session, clock, floor)
    await services.enqueue_work_order(
        session,
        kind="work_order.assigned",
        user_ids=[floor.technician.id],
        work_order_id=wo.id,
        number=wo.number,
        priority="high",
        title="Bearing noise 🔧 " * 2000,
        asset_id=floor.machine.id,
    )
    await session.commit()
    await _send(session_maker, clock)
    assert len(push_service.messages) == 2
    clipped = push_service.messages[-1]
    assert clipped.body_size <= 4096
    assert len(clipped.json()["title"]) == rules.TITLE_MAX
    assert clipped.json()["title"].endswith("…")


async def test_a_user_without_subscriptions_is_skipped_not_retried(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    factory: Factory,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    colleague = await factory.user(floor.site, role="technician")
    await services.enqueue(session, colleague.id, {"type": "test", "title": "hello"})
    await session.commit()
    await _send(session_maker, clock)
    [row] = await _outbox(session_maker)
    assert (row.status, row.last_error) == ("skipped", "the user has no push subscription")


async def test_a_notification_whose_ttl_ran_out_while_retrying_is_dropped(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    await services.enqueue(session, floor.technician.id, {"type": "test"}, ttl=60)
    await session.commit()
    push_service.fail_next(429, retry_after="300")
    await _send(session_maker, clock)
    clock.advance(timedelta(seconds=300))
    await _send(session_maker, clock)
    assert push_service.messages == []
    assert (await _outbox(session_maker))[0].status == "expired"
