"""HTTP endpoints for the reusable lists: checklist templates and failure codes per asset class."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance import services
from backend.domain.maintenance.controller._convert import template_out
from backend.domain.maintenance.rules import CodeKind
from backend.domain.maintenance.schemas import (
    ChecklistTemplateCreate,
    ChecklistTemplateOut,
    ChecklistTemplateUpdate,
    FailureCodeCreate,
    FailureCodeOut,
    FailureCodeUpdate,
)
from backend.domain.people.roles import Actor

_CLASS_QUERY = Parameter(
    default=None, max_length=80, description='also returns the entries for every class ("*")'
)


class ChecklistTemplateController(Controller):
    path = "/api/checklist-templates"
    tags = ["maintenance"]

    @get("/")
    async def list_templates(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        asset_class: str | None = _CLASS_QUERY,
        include_inactive: bool = False,
    ) -> list[ChecklistTemplateOut]:
        rows = await services.list_templates(
            session, site_id=site_id, asset_class=asset_class, include_inactive=include_inactive
        )
        return [template_out(t) for t in rows]

    @post("/")
    async def create_template(
        self, session: AsyncSession, actor: Actor, data: ChecklistTemplateCreate
    ) -> ChecklistTemplateOut:
        return template_out(await services.create_template(session, actor, data))

    @get("/{template_id:uuid}")
    async def get_template(self, session: AsyncSession, template_id: uuid.UUID) -> ChecklistTemplateOut:
        return template_out(await services.get_template(session, template_id))

    @patch("/{template_id:uuid}")
    async def update_template(
        self, session: AsyncSession, actor: Actor, template_id: uuid.UUID, data: ChecklistTemplateUpdate
    ) -> ChecklistTemplateOut:
        """Renames, (de)activates or replaces the items; work orders keep the copy they were given."""
        return template_out(await services.update_template(session, actor, template_id, data))


class FailureCodeController(Controller):
    path = "/api/failure-codes"
    tags = ["maintenance"]

    @get("/")
    async def list_codes(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        asset_class: str | None = _CLASS_QUERY,
        kind: CodeKind | None = None,
        include_inactive: bool = False,
    ) -> list[FailureCodeOut]:
        rows = await services.list_failure_codes(
            session, site_id=site_id, asset_class=asset_class, kind=kind, include_inactive=include_inactive
        )
        return [FailureCodeOut.of(c) for c in rows]

    @post("/")
    async def create_code(
        self, session: AsyncSession, actor: Actor, data: FailureCodeCreate
    ) -> FailureCodeOut:
        return FailureCodeOut.of(await services.create_failure_code(session, actor, data))

    @patch("/{code_id:uuid}")
    async def update_code(
        self, session: AsyncSession, actor: Actor, code_id: uuid.UUID, data: FailureCodeUpdate
    ) -> FailureCodeOut:
        """Rename or retire (`active: false`) a code; codes are never deleted."""
        return FailureCodeOut.of(await services.update_failure_code(session, actor, code_id, data))
