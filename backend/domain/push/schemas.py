"""Web Push payloads: the VAPID public key, subscriptions (as `PushSubscription.toJSON()` gives them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from backend.domain.push.rules import ENDPOINT_MAX
from backend.lib.schema import Input, Output

B64Field = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class SubscriptionKeys(Input):
    p256dh: B64Field
    auth: B64Field


class SubscriptionCreate(Input):
    """The browser's `PushSubscription.toJSON()`, posted as is."""

    endpoint: Annotated[str, msgspec.Meta(min_length=1, max_length=ENDPOINT_MAX)]
    keys: SubscriptionKeys
    expiration_time: Annotated[int, msgspec.Meta(ge=0)] | None = msgspec.field(
        default=None, name="expirationTime"
    )


class SubscriptionOut(Output):
    id: uuid.UUID
    user_id: uuid.UUID
    device_id: uuid.UUID
    endpoint: str
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class VapidPublicKey(msgspec.Struct, kw_only=True):
    """The `applicationServerKey` for `pushManager.subscribe`: base64url, uncompressed P-256 point."""

    public_key: str


class TestPushOut(msgspec.Struct, kw_only=True):
    outbox_id: uuid.UUID
    subscriptions: int
