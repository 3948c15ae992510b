"""A Web Push service on 127.0.0.1 that behaves like the browsers' ones, for tests.

It accepts `POST /push/<id>` (RFC 8030), checks the VAPID authorization (RFC 8292: ES256
signature with the key in `k`, `aud` equal to this service's origin including the port, `exp` in
the future and at most 24 hours ahead, a `sub` contact), requires `TTL` and aes128gcm, refuses
bodies above 4096 bytes, decrypts the body with the subscription's private key and auth secret
(RFC 8291), and records the plaintext with the delivery headers. It can be told to answer the
next requests with an error (429, 500, 404, 410 …).

Use the `push_service` fixture (import it into your `conftest.py`) and `push_service.subscribe()`
to get a browser-like subscription pointing at it; post `sub.to_json()` to the API.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import http_ece
import pytest
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_BODY = 4096
MAX_EXP_AHEAD = 24 * 3600
URGENCIES = ("very-low", "low", "normal", "high")
_B64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    text = text.strip().rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserSubscription:
    """What a browser holds after `pushManager.subscribe()`: the endpoint and its own key pair."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: str | None = None

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def to_json(self) -> dict[str, Any]:
        """Exactly what `PushSubscription.toJSON()` gives in a browser."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }

    def decrypt(self, body: bytes) -> bytes:
        return bytes(
            http_ece.decrypt(
                body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
            )
        )


@dataclass(frozen=True)
class PushMessage:
    """A notification the service accepted, decrypted."""

    subscription_id: str
    payload: bytes
    ttl: int
    urgency: str | None
    topic: str | None
    body_size: int
    vapid_claims: dict[str, Any]
    vapid_key: str

    def json(self) -> Any:
        return json.loads(self.payload)


@dataclass(frozen=True)
class PushAttempt:
    """Every request the service answered, accepted or not, with the reason for a refusal."""

    subscription_id: str
    status: int
    reason: str
    headers: dict[str, str]


@dataclass
class _Failure:
    status: int
    retry_after: str | None


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class LocalPushService:
    host: str = "127.0.0.1"
    messages: list[PushMessage] = field(default_factory=list)
    attempts: list[PushAttempt] = field(default_factory=list)
    _subscriptions: dict[str, BrowserSubscription] = field(default_factory=dict)
    _gone: set[str] = field(default_factory=set)
    _failures: deque[_Failure] = field(default_factory=deque)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _changed: asyncio.Condition | None = None

    # --- lifecycle ---

    async def start(self) -> LocalPushService:
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_post("/push/{sub_id}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._changed = asyncio.Condition()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalPushService:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self._port}"

    # --- what tests arrange ---

    def subscribe(self, *, application_server_key: str | None = None) -> BrowserSubscription:
        """A new browser subscription on this service. With `application_server_key` (the server's
        VAPID public key), pushes signed with any other key are refused with 403, as browsers do."""
        sub_id = b64url(os.urandom(12))
        sub = BrowserSubscription(
            id=sub_id,
            endpoint=f"{self.origin}/push/{sub_id}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
            application_server_key=application_server_key,
        )
        self._subscriptions[sub_id] = sub
        return sub

    def unsubscribe(self, sub: BrowserSubscription) -> None:
        """The browser dropped the subscription: pushes to it are answered 410 Gone from now on."""
        self._gone.add(sub.id)

    def fail_next(self, status: int, times: int = 1, *, retry_after: str | None = None) -> None:
        """Answer the next `times` valid pushes with `status` (and a Retry-After header when given)."""
        for _ in range(times):
            self._failures.append(_Failure(status, retry_after))

    def messages_for(self, sub: BrowserSubscription) -> list[PushMessage]:
        return [m for m in self.messages if m.subscription_id == sub.id]

    async def wait_for_messages(self, count: int = 1, timeout: float = 5.0) -> list[PushMessage]:
        """Wait until `count` messages were accepted in all; returns them."""
        assert self._changed is not None, "the push service is not running"
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.messages) >= count)
        return list(self.messages)

    # --- the push service ---

    async def _handle(self, request: web.Request) -> web.Response:
        sub_id = request.match_info["sub_id"]
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        body = await request.read()
        try:
            message = self._accept(sub_id, request, body)
        except Refused as refused:
            return await self._answer(sub_id, refused.status, refused.reason, headers)
        if self._failures:
            failure = self._failures.popleft()
            extra = {"Retry-After": failure.retry_after} if failure.retry_after else None
            return await self._answer(sub_id, failure.status, "failure injected by the test", headers, extra)
        self.messages.append(message)
        location = f"{self.origin}/message/{uuid.uuid4()}"
        return await self._answer(sub_id, 201, "accepted", headers, {"Location": location})

    async def _answer(
        self,
        sub_id: str,
        status: int,
        reason: str,
        headers: dict[str, str],
        extra: dict[str, str] | None = None,
    ) -> web.Response:
        self.attempts.append(PushAttempt(sub_id, status, reason, headers))
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()
        return web.Response(status=status, text=reason, headers=extra)

    def _accept(self, sub_id: str, request: web.Request, body: bytes) -> PushMessage:
        sub = self._subscriptions.get(sub_id)
        if sub is None:
            raise Refused(404, "no such subscription")
        if sub_id in self._gone:
            raise Refused(410, "the subscription has expired or was unsubscribed")
        claims, key = self._check_vapid(request.headers.get("Authorization", ""))
        if sub.application_server_key is not None and key != sub.application_server_key:
            raise Refused(403, "the VAPID key is not the one the subscription was created with")
        ttl_text = request.headers.get("TTL", "")
        if not ttl_text.isdigit():
            raise Refused(400, "a TTL header (seconds) is required")
        if request.headers.get("Content-Encoding", "").lower() != "aes128gcm":
            raise Refused(415, "the body must be aes128gcm encrypted (RFC 8291)")
        if len(body) > MAX_BODY:
            raise Refused(413, f"the body has {len(body)} bytes; at most {MAX_BODY} are accepted")
        urgency = request.headers.get("Urgency")
        if urgency is not None and urgency not in URGENCIES:
            raise Refused(400, f"Urgency must be one of {', '.join(URGENCIES)}")
        topic = request.headers.get("Topic")
        if topic is not None and (len(topic) > 32 or not set(topic) <= _B64URL):
            raise Refused(400, "Topic must be at most 32 base64url characters")
        try:
            payload = sub.decrypt(body)
        except Exception as exc:
            raise Refused(400, f"the body does not decrypt with the subscription's keys: {exc!r}") from None
        return PushMessage(
            subscription_id=sub_id,
            payload=payload,
            ttl=int(ttl_text),
            urgency=urgency,
            topic=topic,
            body_size=len(body),
            vapid_claims=claims,
            vapid_key=key,
        )

    def _check_vapid(self, header: str) -> tuple[dict[str, Any], str]:
        scheme, _, params = header.partition(" ")
        if scheme.lower() != "vapid":
            raise Refused(401, "Authorization must use the vapid scheme (RFC 8292)")
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        token, key = parts.get("t", ""), parts.get("k", "")
        try:
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
            head_b64, claims_b64, sig_b64 = token.split(".")
            head = json.loads(unb64url(head_b64))
            claims = json.loads(unb64url(claims_b64))
            sig = unb64url(sig_b64)
        except (ValueError, TypeError) as exc:
            raise Refused(401, f"malformed VAPID token or key: {exc}") from None
        if head.get("alg") != "ES256":
            raise Refused(401, "the VAPID token must be signed with ES256")
        if len(sig) != 64:
            raise Refused(401, "an ES256 signature is 64 bytes (r || s)")
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        try:
            public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise Refused(401, "the VAPID signature does not verify with the key in k") from None
        if claims.get("aud") != self.origin:
            raise Refused(401, f"aud must be {self.origin}, got {claims.get('aud')!r}")
        now = time.time()
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= now:
            raise Refused(401, "exp must be a time in the future")
        if exp > now + MAX_EXP_AHEAD:
            raise Refused(401, "exp must be at most 24 hours ahead")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
            raise Refused(401, "sub must be a mailto: or https: contact")
        return claims, key


@pytest.fixture
async def push_service() -> AsyncIterator[LocalPushService]:
    """A running local push service; stopped after the test."""
    async with LocalPushService() as service:
        yield service
