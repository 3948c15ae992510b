"""Sending the outbox: claim due rows, post each to every subscription of its user with pywebpush
(RFC 8291 aes128gcm, RFC 8292 VAPID), then record the outcome: sent, retry later, or give up.

Several processes may send at once: a row is claimed by a token (and a lease, so a crashed
sender's rows come back); PostgreSQL skips rows another sender holds (`FOR UPDATE SKIP LOCKED`),
SQLite has one writer anyway.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush_async
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from backend.domain.people.models import Device, User
from backend.domain.push import rules
from backend.domain.push.models import PushOutbox, PushSubscription
from backend.domain.push.services import vapid_key
from backend.lib.clock import Clock
from backend.lib.ids import uuid7

log = logging.getLogger("gemba.push")

DEFAULT_SUBJECT = "mailto:push@localhost"
BATCH = 50
PARALLEL = 8
# The JWT is judged by the push service's own clock, so it is stamped with real time.
VAPID_LIFETIME = 12 * 3600
MIN_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Target:
    id: uuid.UUID
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Result:
    outcome: rules.Outcome
    status: int | None
    retry_after: timedelta | None = None
    error: str | None = None


_signers: dict[str, Any] = {}


def _signer(pem: str) -> Any:
    signer = _signers.get(pem)
    if signer is None:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        signer = _signers[pem] = Vapid02(private_key=key)
    return signer


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(
            PushOutbox.status == rules.Status.PENDING.value,
            or_(PushOutbox.next_attempt_at.is_(None), PushOutbox.next_attempt_at <= now),
        ),
        and_(PushOutbox.status == rules.Status.SENDING.value, PushOutbox.claimed_until <= now),
    )


async def claim_due(
    session: AsyncSession, *, now: datetime, token: str, limit: int, lease: timedelta
) -> list[PushOutbox]:
    """Mark up to `limit` due rows as this sender's and return them; the caller commits."""
    ids = select(PushOutbox.id).where(_due(now)).order_by(PushOutbox.created_at, PushOutbox.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    await session.execute(
        update(PushOutbox)
        .where(PushOutbox.id.in_(ids.scalar_subquery()), _due(now))
        .values(status=rules.Status.SENDING.value, claim_token=token, claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    rows = await session.execute(
        select(PushOutbox).where(PushOutbox.claim_token == token).execution_options(populate_existing=True)
    )
    return list(rows.scalars())


async def _targets(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> list[Target]:
    """The user's live subscriptions; those of revoked devices or past their expiry are removed."""
    rows = await session.execute(
        select(PushSubscription, Device.revoked_at, User.active)
        .join(Device, Device.id == PushSubscription.device_id)
        .join(User, User.id == PushSubscription.user_id)
        .where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.created_at, PushSubscription.id)
    )
    live: list[Target] = []
    dead: list[uuid.UUID] = []
    for sub, revoked_at, active in rows.tuples():
        if revoked_at is not None or (sub.expires_at is not None and sub.expires_at <= now):
            dead.append(sub.id)
        elif active:
            live.append(Target(sub.id, sub.endpoint, sub.p256dh, sub.auth_secret))
    if dead:
        await session.execute(delete(PushSubscription).where(PushSubscription.id.in_(dead)))
    return live


def _response_date(response: Any) -> datetime:
    value = getattr(response, "headers", {}).get("Date")
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None:
        return datetime.now(UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def _post(
    http: aiohttp.ClientSession,
    signer: Any,
    subject: str,
    target: Target,
    body: bytes,
    *,
    ttl: int,
    urgency: str,
    topic: str | None,
    timeout: aiohttp.ClientTimeout,
) -> Result:
    headers: dict[str, str | int | float] = {"Urgency": urgency}
    if topic:
        headers["Topic"] = topic
    claims: dict[str, str | int] = {
        "sub": subject,
        "aud": rules.vapid_audience(target.endpoint),
        "exp": int(time.time()) + VAPID_LIFETIME,
    }
    try:
        response = await webpush_async(
            subscription_info={
                "endpoint": target.endpoint,
                "keys": {"p256dh": target.p256dh, "auth": target.auth},
            },
            data=body,
            vapid_private_key=signer,
            vapid_claims=claims,
            content_encoding="aes128gcm",
            ttl=ttl,
            headers=headers,
            aiohttp_session=http,
            timeout=timeout,
        )
        return Result(rules.Outcome.DELIVERED, int(response.status))
    except WebPushException as exc:
        status = int(exc.status_code or 0)
        retry_after = rules.parse_retry_after(exc.retry_after, _response_date(exc.response))
        return Result(rules.classify(status), status, retry_after, f"HTTP {status} from the push service")
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return Result(rules.Outcome.RETRY, None, None, f"push service unreachable: {type(exc).__name__}")
    except Exception as exc:  # a broken subscription (keys) must not stop the other sends
        log.warning("push to subscription %s failed: %r", target.id, exc)
        return Result(rules.Outcome.REJECTED, None, None, f"could not send: {type(exc).__name__}")


def _finish(row: PushOutbox, results: dict[uuid.UUID, Result], now: datetime) -> dict[str, Any]:
    """The row's new state after one attempt."""
    attempts = row.attempts + 1
    delivered = [
        *row.delivered,
        *(str(sid) for sid, r in results.items() if r.outcome is rules.Outcome.DELIVERED),
    ]
    errors = sorted({r.error for r in results.values() if r.error})
    values: dict[str, Any] = {
        "attempts": attempts,
        "delivered": delivered,
        "claim_token": None,
        "claimed_until": None,
        "first_attempt_at": row.first_attempt_at or now,
        "last_error": "; ".join(errors)[:500] or None,
    }
    retry = [r for r in results.values() if r.outcome is rules.Outcome.RETRY]
    if retry and attempts < rules.MAX_ATTEMPTS:
        asked = max((r.retry_after for r in retry if r.retry_after is not None), default=None)
        values["status"] = rules.Status.PENDING.value
        values["next_attempt_at"] = now + rules.backoff(attempts, asked)
        return values
    values["finished_at"] = now
    if delivered:
        values["status"] = rules.Status.SENT.value
    elif retry or any(r.outcome is rules.Outcome.REJECTED for r in results.values()):
        values["status"] = rules.Status.FAILED.value
    else:
        values["status"] = rules.Status.SKIPPED.value
        values["last_error"] = values["last_error"] or "the user has no push subscription"
    return values


async def _deliver(
    session_maker: async_sessionmaker[Any],
    clock: Clock,
    http: aiohttp.ClientSession,
    signer: Any,
    subject: str,
    row: PushOutbox,
    timeout: aiohttp.ClientTimeout,
) -> None:
    now = clock.now()
    async with session_maker() as session:
        targets = [t for t in await _targets(session, row.user_id, now) if str(t.id) not in row.delivered]
        await session.commit()
    ttl = rules.remaining_ttl(row.ttl, row.first_attempt_at, now)
    results: dict[uuid.UUID, Result] = {}
    if ttl > 0:
        body = rules.encode_payload(row.payload)
        for target in targets:
            results[target.id] = await _post(
                http,
                signer,
                subject,
                target,
                body,
                ttl=ttl,
                urgency=row.urgency,
                topic=row.topic,
                timeout=timeout,
            )
    now = clock.now()
    values = _finish(row, results, now)
    if ttl <= 0 and not row.delivered:
        values.update(
            status=rules.Status.EXPIRED.value, finished_at=now, last_error="the TTL ran out before delivery"
        )
    elif ttl <= 0:
        values.update(status=rules.Status.SENT.value, finished_at=now)
    gone = [sid for sid, r in results.items() if r.outcome is rules.Outcome.GONE]
    async with session_maker() as session:
        if gone:
            await session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        await session.execute(
            update(PushOutbox)
            .where(PushOutbox.id == row.id, PushOutbox.claim_token == row.claim_token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    if values["status"] != rules.Status.SENT.value:
        log.info("push %s for user %s: %s (%s)", row.id, row.user_id, values["status"], values["last_error"])


async def send_due(
    session_maker: async_sessionmaker[Any],
    clock: Clock,
    *,
    http_timeout: float,
    subject: str = DEFAULT_SUBJECT,
    limit: int = BATCH,
) -> int:
    """One pass: claim the due outbox rows, send them, record the outcomes. Returns how many rows
    were handled (0 when nothing was due)."""
    token = uuid7().hex
    lease = max(MIN_LEASE, timedelta(seconds=http_timeout * 20))
    async with session_maker() as session:
        key = await vapid_key(session)
        rows = await claim_due(session, now=clock.now(), token=token, limit=limit, lease=lease)
        await session.commit()
    if not rows:
        return 0
    signer = _signer(key.private_key_pem)
    timeout = aiohttp.ClientTimeout(total=http_timeout)
    gate = asyncio.Semaphore(PARALLEL)

    async def one(row: PushOutbox) -> None:
        async with gate:
            try:
                await _deliver(session_maker, clock, http, signer, subject, row, timeout)
            except Exception:
                log.exception("push %s could not be processed; it is retried when its claim lapses", row.id)

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(one(row) for row in rows))
    return len(rows)
