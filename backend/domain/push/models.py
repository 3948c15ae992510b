"""Web Push tables: the server's VAPID key, device subscriptions and the notification outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin
from backend.lib.clock import utcnow


class VapidKey(IdMixin, TimestampMixin, Base):
    """The application server's P-256 key pair (RFC 8292); one row, created on first use."""

    __tablename__ = "push_vapid_keys"
    __audit__ = False
    slot: Mapped[str] = mapped_column(String(20), unique=True)
    private_key_pem: Mapped[str] = mapped_column(String(400))
    public_key: Mapped[str] = mapped_column(String(100))


class PushSubscription(IdMixin, TimestampMixin, Base):
    """A browser's push subscription, bound to the device (login) that registered it. An endpoint
    identifies one browser profile, so it is unique: the latest registration owns it."""

    __tablename__ = "push_subscriptions"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth_secret: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[datetime | None] = mapped_column(default=None)


class PushOutbox(IdMixin, Base):
    """One notification for one user, written in the transaction of the change it announces and
    sent afterwards to every subscription of the user."""

    __tablename__ = "push_outbox"
    __audit__ = False
    __table_args__ = (Index("ix_push_outbox_due", "status", "next_attempt_at"),)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    ttl: Mapped[int] = mapped_column(default=43200)
    topic: Mapped[str | None] = mapped_column(String(32), default=None)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    # Null means "as soon as possible"; set from the sender's clock once an attempt has been made.
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    first_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    claim_token: Mapped[str | None] = mapped_column(String(32), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    delivered: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


__all__ = ["PushOutbox", "PushSubscription", "VapidKey"]
