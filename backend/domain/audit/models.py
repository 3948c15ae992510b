"""The audit entry table."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin
from backend.lib.clock import utcnow


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_entries"
    __audit__ = False
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), default=None)
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), default=None, index=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
