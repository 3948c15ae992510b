"""Audit trail per record, for people who may see the record's site."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from litestar import Controller, get
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.models import AuditEntry
from backend.domain.people.roles import Actor
from backend.lib.schema import Output


class AuditEntryOut(Output):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    entity: str
    entity_id: str
    action: str
    changes: dict[str, Any]


class AuditController(Controller):
    path = "/api/audit"
    tags = ["audit"]

    @get("/{entity:str}/{entity_id:str}")
    async def history(
        self, session: AsyncSession, actor: Actor, entity: str, entity_id: str
    ) -> list[AuditEntryOut]:
        """Entries for one record, oldest first; records of sites the actor cannot see return nothing."""
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .where(or_(AuditEntry.site_id.is_(None), AuditEntry.site_id.in_(actor.site_ids)))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        return [AuditEntryOut.of(e) for e in (await session.execute(stmt)).scalars()]
