"""HTTP endpoints for the VAPID public key and this device's push subscription."""

from __future__ import annotations

import uuid

from litestar import Controller, Response, delete, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import Actor
from backend.domain.push import services
from backend.domain.push.rules import ENDPOINT_MAX
from backend.domain.push.schemas import SubscriptionCreate, SubscriptionOut, TestPushOut, VapidPublicKey
from backend.settings import Settings


class PushController(Controller):
    path = "/api/push"
    tags = ["push"]

    @get("/vapid-public-key")
    async def vapid_public_key(self, session: AsyncSession) -> VapidPublicKey:
        """The `applicationServerKey` for `pushManager.subscribe()` (created on first use)."""
        return VapidPublicKey(public_key=(await services.vapid_key(session)).public_key)

    @get("/subscriptions")
    async def my_subscriptions(self, session: AsyncSession, actor: Actor) -> list[SubscriptionOut]:
        """The caller's subscriptions, on every device they use."""
        return [SubscriptionOut.of(s) for s in await services.my_subscriptions(session, actor)]

    @post("/subscriptions")
    async def register(
        self, session: AsyncSession, actor: Actor, settings: Settings, data: SubscriptionCreate
    ) -> Response[SubscriptionOut]:
        """Register this device's subscription: 201 when new, 200 when the endpoint was known."""
        sub, created = await services.register(session, actor, data, allow_http=settings.mode != "production")
        return Response(SubscriptionOut.of(sub), status_code=201 if created else 200)

    @delete("/subscriptions/{subscription_id:uuid}", status_code=204)
    async def unsubscribe(self, session: AsyncSession, actor: Actor, subscription_id: uuid.UUID) -> None:
        await services.unsubscribe(session, actor, subscription_id=subscription_id)

    @delete("/subscriptions", status_code=204)
    async def unsubscribe_endpoint(
        self,
        session: AsyncSession,
        actor: Actor,
        endpoint: str = Parameter(query="endpoint", min_length=1, max_length=ENDPOINT_MAX),
    ) -> None:
        """Remove the caller's subscription by its endpoint URL (what `pushSubscription.unsubscribe` knows)."""
        await services.unsubscribe(session, actor, endpoint=endpoint)

    @post("/test", status_code=202)
    async def send_test(self, session: AsyncSession, actor: Actor) -> TestPushOut:
        """Queue a test notification to the caller's own devices."""
        row, count = await services.send_test(session, actor)
        return TestPushOut(outbox_id=row.id, subscriptions=count)
