"""Web Push rules that touch the database: the VAPID key, subscriptions, and enqueueing notifications."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from backend.domain.assets.models import Asset
from backend.domain.people.roles import Actor
from backend.domain.push import rules
from backend.domain.push.models import PushOutbox, PushSubscription, VapidKey
from backend.domain.push.schemas import SubscriptionCreate
from backend.lib.errors import NotFound, ValidationFailed

VAPID_SLOT = "default"
_WAKE_KEY = "push_outbox_written"
_wakers: set[Callable[[], None]] = set()


# --- the VAPID key -------------------------------------------------------------------------------


def _new_key_pair() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return pem, rules.b64url_encode(point)


async def vapid_key(session: AsyncSession) -> VapidKey:
    """The server's VAPID key, created on first use. Two processes racing to create it both end
    up with the same row: the insert is skipped on a slot conflict and the row is read back."""
    stmt = select(VapidKey).where(VapidKey.slot == VAPID_SLOT)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is not None:
        return found
    pem, public = _new_key_pair()
    values = {"slot": VAPID_SLOT, "private_key_pem": pem, "public_key": public}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(VapidKey).values(**values).on_conflict_do_nothing(index_elements=["slot"]))
    return (await session.execute(stmt)).scalar_one()


# --- subscriptions -------------------------------------------------------------------------------


def _check(data: SubscriptionCreate, *, allow_http: bool) -> None:
    for field, problem in (
        ("endpoint", rules.endpoint_problem(data.endpoint, allow_http=allow_http)),
        ("keys.p256dh", rules.p256dh_problem(data.keys.p256dh)),
        ("keys.auth", rules.auth_problem(data.keys.auth)),
    ):
        if problem is not None:
            raise ValidationFailed(field, problem)


async def register(
    session: AsyncSession, actor: Actor, data: SubscriptionCreate, *, allow_http: bool
) -> tuple[PushSubscription, bool]:
    """Bind a browser's subscription to the caller's device; returns (subscription, created).

    Registering a known endpoint updates it (and moves it to the caller: the browser is theirs
    now). A device keeps one subscription: a new endpoint replaces the device's old one.
    """
    _check(data, allow_http=allow_http)
    if actor.device_id is None:
        raise ValidationFailed("device", "push subscriptions belong to a device; log in from one")
    expires_at = datetime.fromtimestamp(data.expiration_time / 1000, tz=UTC) if data.expiration_time else None
    sub = (
        await session.execute(select(PushSubscription).where(PushSubscription.endpoint == data.endpoint))
    ).scalar_one_or_none()
    created = sub is None
    if sub is None:
        sub = PushSubscription(endpoint=data.endpoint)
        session.add(sub)
    sub.user_id = actor.user_id
    sub.device_id = actor.device_id
    sub.p256dh = data.keys.p256dh
    sub.auth_secret = data.keys.auth
    sub.expires_at = expires_at
    await session.flush()
    stale = select(PushSubscription).where(
        PushSubscription.device_id == actor.device_id, PushSubscription.id != sub.id
    )
    for old in (await session.execute(stale)).scalars():
        await session.delete(old)
    await session.flush()
    return sub, created


async def my_subscriptions(session: AsyncSession, actor: Actor) -> list[PushSubscription]:
    stmt = (
        select(PushSubscription)
        .where(PushSubscription.user_id == actor.user_id)
        .order_by(PushSubscription.created_at, PushSubscription.id)
    )
    return list((await session.execute(stmt)).scalars())


async def unsubscribe(
    session: AsyncSession,
    actor: Actor,
    *,
    subscription_id: uuid.UUID | None = None,
    endpoint: str | None = None,
) -> None:
    """Remove one of the caller's subscriptions; anyone else's does not exist for them."""
    stmt = select(PushSubscription).where(PushSubscription.user_id == actor.user_id)
    if subscription_id is not None:
        stmt = stmt.where(PushSubscription.id == subscription_id)
    elif endpoint is not None:
        stmt = stmt.where(PushSubscription.endpoint == endpoint)
    else:
        raise ValidationFailed("endpoint", "name the subscription by id or endpoint")
    sub = (await session.execute(stmt)).scalar_one_or_none()
    if sub is None:
        raise NotFound("push subscription not found")
    await session.delete(sub)
    await session.flush()


# --- the outbox ----------------------------------------------------------------------------------


async def enqueue(
    session: AsyncSession,
    user_id: uuid.UUID,
    payload: dict[str, Any],
    *,
    urgency: rules.Urgency = rules.Urgency.NORMAL,
    ttl: int = rules.DEFAULT_TTL,
    topic: str | None = None,
) -> PushOutbox:
    """Queue a notification for every device of `user_id`, inside the caller's transaction: it is
    sent once that commits, and never if it rolls back."""
    rules.encode_payload(payload)
    if topic is not None and (len(topic) > rules.TOPIC_MAX or any(c not in rules.B64URL for c in topic)):
        raise ValueError(f"invalid push topic {topic!r}")
    row = PushOutbox(
        user_id=user_id,
        kind=str(payload.get("type", "notification"))[:60],
        payload=payload,
        urgency=urgency.value,
        ttl=ttl,
        topic=topic,
    )
    session.add(row)
    await session.flush()
    session.info[_WAKE_KEY] = True
    return row


async def enqueue_work_order(
    session: AsyncSession,
    *,
    kind: str,
    user_ids: list[uuid.UUID],
    work_order_id: uuid.UUID,
    number: str | None,
    priority: str | None,
    title: str | None,
    asset_id: uuid.UUID | None,
) -> list[PushOutbox]:
    """One notification per user about a work order: emergencies are urgent, every one has a TTL."""
    asset = await session.get(Asset, asset_id) if asset_id is not None else None
    payload = rules.work_order_payload(
        kind=kind,
        work_order_id=str(work_order_id),
        number=number,
        priority=priority,
        title=title,
        asset_id=str(asset.id) if asset else None,
        asset_code=asset.code if asset else None,
        asset_name=asset.name if asset else None,
    )
    urgency, ttl = rules.delivery_options(priority)
    topic = rules.topic_for("wo", work_order_id)
    return [
        await enqueue(session, user_id, payload, urgency=urgency, ttl=ttl, topic=topic)
        for user_id in dict.fromkeys(user_ids)
    ]


async def send_test(session: AsyncSession, actor: Actor) -> tuple[PushOutbox, int]:
    """A test notification to the caller's own devices (the PWA's "send me a test" button)."""
    count = len(await my_subscriptions(session, actor))
    payload = {
        "type": "test",
        "title": "Gemba test notification",
        "body": "Notifications reach this device.",
        "url": "/",
    }
    row = await enqueue(session, actor.user_id, payload, ttl=300)
    return row, count


async def purge_finished(session: AsyncSession, before: datetime) -> int:
    """Forget notifications that finished (sent, skipped, expired, failed) before `before`."""
    finished = [s.value for s in rules.Status if s not in (rules.Status.PENDING, rules.Status.SENDING)]
    result = await session.execute(
        delete(PushOutbox).where(PushOutbox.status.in_(finished), PushOutbox.finished_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def add_waker(callback: Callable[[], None]) -> None:
    """`callback` runs in this process after any transaction that queued a notification commits."""
    _wakers.add(callback)


def remove_waker(callback: Callable[[], None]) -> None:
    _wakers.discard(callback)


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop(_WAKE_KEY, False):
        for callback in list(_wakers):
            callback()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_WAKE_KEY, None)
