"""Registering, listing and removing a device's push subscription; the VAPID public key."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.push import services
from backend.domain.push.delivery import send_due
from backend.domain.push.models import PushSubscription, VapidKey
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories import push as push_factory
from tests.integration.push.conftest import Floor
from tests.support.push_service import LocalPushService


async def _subscriptions(session_maker: async_sessionmaker[Any]) -> list[PushSubscription]:
    async with session_maker() as s:
        return list((await s.execute(select(PushSubscription))).scalars())


async def test_the_vapid_public_key_is_an_uncompressed_point_and_stays_the_same(
    client: AsyncTestClient, floor: Floor
) -> None:
    first = (await client.get("/api/push/vapid-public-key", headers=floor.headers)).json()["public_key"]
    again = (await client.get("/api/push/vapid-public-key", headers=floor.headers)).json()["public_key"]
    raw = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))
    assert (len(raw), raw[0]) == (65, 4)
    assert again == first


async def test_the_vapid_public_key_needs_a_login(client: AsyncTestClient) -> None:
    assert (await client.get("/api/push/vapid-public-key")).status_code == 401


async def test_two_processes_creating_the_key_at_once_end_up_with_one(
    session_maker: async_sessionmaker[Any],
) -> None:
    async def create() -> str:
        async with session_maker() as s:
            key = await services.vapid_key(s)
            await s.commit()
            return key.public_key

    first, second = await asyncio.gather(create(), create())
    assert first == second
    async with session_maker() as s:
        assert await s.scalar(select(func.count()).select_from(VapidKey)) == 1


async def test_a_device_registers_its_subscription_as_the_browser_gives_it(
    client: AsyncTestClient, factory: Factory, floor: Floor, push_service: LocalPushService
) -> None:
    browser = push_service.subscribe()
    r = await client.post("/api/push/subscriptions", json=browser.to_json(), headers=floor.headers)
    assert r.status_code == 201, r.text
    assert r.json()["device_id"] == str(floor.phone.id)
    listed = (await client.get("/api/push/subscriptions", headers=floor.headers)).json()
    assert [s["endpoint"] for s in listed] == [browser.endpoint]


async def test_registering_a_known_endpoint_again_updates_it(
    client: AsyncTestClient,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
) -> None:
    renewed = push_service.subscribe()
    body = renewed.to_json() | {"endpoint": floor.browser.endpoint}
    r = await client.post("/api/push/subscriptions", json=body, headers=floor.headers)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == str(floor.subscription.id)
    [row] = await _subscriptions(session_maker)
    assert (row.p256dh, row.auth_secret) == (renewed.p256dh, renewed.auth)


async def test_a_new_endpoint_from_the_same_device_replaces_its_old_one(
    client: AsyncTestClient,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
) -> None:
    rotated = push_service.subscribe()
    r = await client.post("/api/push/subscriptions", json=rotated.to_json(), headers=floor.headers)
    assert r.status_code == 201
    assert [s.endpoint for s in await _subscriptions(session_maker)] == [rotated.endpoint]


async def test_a_p256dh_that_is_not_a_p256_point_is_refused_naming_the_field(
    client: AsyncTestClient, floor: Floor, push_service: LocalPushService
) -> None:
    body = push_service.subscribe().to_json()
    body["keys"]["p256dh"] = base64.urlsafe_b64encode(b"\x04" + bytes(64)).decode().rstrip("=")
    r = await client.post("/api/push/subscriptions", json=body, headers=floor.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "keys.p256dh", "reason": "is not a point on the P-256 curve"}]


async def test_an_auth_secret_of_the_wrong_size_is_refused_naming_the_field(
    client: AsyncTestClient, floor: Floor, push_service: LocalPushService
) -> None:
    body = push_service.subscribe().to_json()
    body["keys"]["auth"] = "AAAA"
    r = await client.post("/api/push/subscriptions", json=body, headers=floor.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "keys.auth", "reason": "must be 16 bytes, got 3"}]


async def test_an_endpoint_that_is_not_a_web_url_is_refused_naming_the_field(
    client: AsyncTestClient, floor: Floor, push_service: LocalPushService
) -> None:
    body = push_service.subscribe().to_json() | {"endpoint": "javascript:alert(1)"}
    r = await client.post("/api/push/subscriptions", json=body, headers=floor.headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "endpoint"


async def test_a_subscription_without_keys_is_refused_naming_the_field(
    client: AsyncTestClient, floor: Floor, push_service: LocalPushService
) -> None:
    body = {"endpoint": push_service.subscribe().endpoint}
    r = await client.post("/api/push/subscriptions", json=body, headers=floor.headers)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "keys"


async def test_another_users_subscription_cannot_be_deleted(
    client: AsyncTestClient, factory: Factory, floor: Floor, session_maker: async_sessionmaker[Any]
) -> None:
    colleague = await factory.user(floor.site, role="technician")
    h = await factory.headers(colleague)
    r = await client.delete(f"/api/push/subscriptions/{floor.subscription.id}", headers=h)
    assert r.status_code == 404
    assert len(await _subscriptions(session_maker)) == 1


async def test_the_owner_deletes_a_subscription_by_id(
    client: AsyncTestClient, floor: Floor, session_maker: async_sessionmaker[Any]
) -> None:
    r = await client.delete(f"/api/push/subscriptions/{floor.subscription.id}", headers=floor.headers)
    assert r.status_code == 204
    assert await _subscriptions(session_maker) == []


async def test_the_owner_deletes_a_subscription_by_its_endpoint(
    client: AsyncTestClient, floor: Floor, session_maker: async_sessionmaker[Any]
) -> None:
    r = await client.delete(
        "/api/push/subscriptions", params={"endpoint": floor.browser.endpoint}, headers=floor.headers
    )
    assert r.status_code == 204
    assert await _subscriptions(session_maker) == []


async def test_the_list_holds_only_the_callers_subscriptions(
    client: AsyncTestClient, factory: Factory, floor: Floor, push_service: LocalPushService
) -> None:
    colleague = await factory.user(floor.site, role="technician")
    await push_factory.subscription(factory, colleague, push_service.subscribe())
    listed = (await client.get("/api/push/subscriptions", headers=floor.headers)).json()
    assert [s["id"] for s in listed] == [str(floor.subscription.id)]


async def test_a_test_notification_reaches_the_callers_own_devices(
    client: AsyncTestClient,
    floor: Floor,
    push_service: LocalPushService,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
) -> None:
    r = await client.post("/api/push/test", headers=floor.headers)
    assert r.status_code == 202
    assert r.json()["subscriptions"] == 1
    assert await send_due(session_maker, clock, http_timeout=5) == 1
    assert push_service.messages[0].json()["type"] == "test"
