"""Tables of the sync server: devices' mutation numbers and results, the commit-ordered change
log with its clock, per-field merge state, and conflict records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.lib.clock import utcnow

CLOCK_ROW = 1


class SyncClock(Base):
    """One row: the last change id handed out (at commit, under this row's lock), the retention
    horizon (changes at or below it may be pruned), and the epoch of this database's history."""

    __tablename__ = "sync_clock"
    __audit__ = False
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_change_id: Mapped[int] = mapped_column(BigInteger, default=0)
    horizon: Mapped[int] = mapped_column(BigInteger, default=0)
    epoch: Mapped[str] = mapped_column(String(40))


class SyncClient(Base):
    """A device's client database (its id is the device id of its token) and the number of the
    last mutation the server applied for it; advanced in the mutation's own transaction."""

    __tablename__ = "sync_clients"
    __audit__ = False
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncMutationResult(Base):
    """The stored outcome of each processed mutation: a resent one is answered from here."""

    __tablename__ = "sync_mutation_results"
    __audit__ = False
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    mutation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    code: Mapped[str | None] = mapped_column(String(60), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SyncChange(Base):
    """The change log: one row per (committed change, scope key of the row before or after it).

    `change_id` is assigned at commit time in commit order; a pull reads the entries of its
    device's scope keys after its cursor.
    """

    __tablename__ = "sync_changes"
    __audit__ = False
    __table_args__ = (Index("ix_sync_changes_change_id", "change_id"),)
    scope_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    change_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[str] = mapped_column(String(100))
    op: Mapped[str] = mapped_column(String(3))
    version: Mapped[int | None] = mapped_column(BigInteger, default=None)
    committed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncFieldVersion(Base):
    """Per-field merge state of merged fields: the row version that last wrote the field and,
    when a device mutation wrote it, which one (none: a write from elsewhere)."""

    __tablename__ = "sync_field_versions"
    __audit__ = False
    entity: Mapped[str] = mapped_column(String(60), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), default=None)
    mutation_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class SyncConflict(Base):
    """A device's edit that lost on a field that matters, kept for people to resolve. Synced as
    entity `conflict` to the people involved and to the site's planners."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (Index("ix_sync_conflicts_site_status", "site_id", "status"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(60))
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    client_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    base_version: Mapped[int] = mapped_column(BigInteger)
    server_version: Mapped[int] = mapped_column(BigInteger)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    mutation_id: Mapped[int] = mapped_column(BigInteger)
    policy: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)
    people: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


__all__ = [
    "CLOCK_ROW",
    "SyncChange",
    "SyncClient",
    "SyncClock",
    "SyncConflict",
    "SyncFieldVersion",
    "SyncMutationResult",
]
