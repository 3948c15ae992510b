"""HTTP endpoints for doing the work: checklist answers, labor, failure codes, comments."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance import services
from backend.domain.maintenance.controller._convert import item_out, labor_out, wo_out
from backend.domain.maintenance.schemas import (
    ChecklistAnswer,
    ChecklistItemAdd,
    ChecklistItemOut,
    CommentCreate,
    CommentOut,
    FailureCodesSet,
    LaborAdd,
    LaborOut,
    LaborStart,
    WorkOrderOut,
)
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock


class WorkOrderExecutionController(Controller):
    path = "/api/work-orders"
    tags = ["maintenance"]

    @get("/{wo_id:uuid}/checklist")
    async def checklist(self, session: AsyncSession, wo_id: uuid.UUID) -> list[ChecklistItemOut]:
        wo = await services.get_work_order(session, wo_id)
        return [item_out(i) for i in await services.checklist_of(session, wo.id)]

    @post("/{wo_id:uuid}/checklist")
    async def add_checklist_item(
        self, session: AsyncSession, actor: Actor, wo_id: uuid.UUID, data: ChecklistItemAdd
    ) -> ChecklistItemOut:
        return item_out(await services.add_item(session, actor, wo_id, data))

    @put("/{wo_id:uuid}/checklist/{item_id:uuid}")
    async def answer_checklist_item(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        wo_id: uuid.UUID,
        item_id: uuid.UUID,
        data: ChecklistAnswer,
    ) -> ChecklistItemOut:
        """Answer an item (null clears it); numeric values outside the limits come back flagged."""
        return item_out(await services.answer_item(session, actor, wo_id, item_id, data.value, clock))

    @get("/{wo_id:uuid}/labor")
    async def labor(self, session: AsyncSession, wo_id: uuid.UUID) -> list[LaborOut]:
        wo = await services.get_work_order(session, wo_id)
        return [labor_out(e) for e in await services.labor_of(session, wo)]

    @post("/{wo_id:uuid}/labor")
    async def add_labor(
        self, session: AsyncSession, actor: Actor, clock: Clock, wo_id: uuid.UUID, data: LaborAdd
    ) -> LaborOut:
        return labor_out(await services.add_labor(session, actor, wo_id, data, clock))

    @post("/{wo_id:uuid}/labor/start")
    async def start_timer(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        wo_id: uuid.UUID,
        data: LaborStart | None = None,
    ) -> LaborOut:
        body = data or LaborStart()
        entry = await services.start_timer(session, actor, wo_id, clock, note=body.note, entry_id=body.id)
        return labor_out(entry)

    @post("/{wo_id:uuid}/labor/stop", status_code=200)
    async def stop_timer(
        self, session: AsyncSession, actor: Actor, clock: Clock, wo_id: uuid.UUID
    ) -> LaborOut:
        return labor_out(await services.stop_timer(session, actor, wo_id, clock))

    @get("/labor/running")
    async def running_timer(self, session: AsyncSession, actor: Actor) -> LaborOut | None:
        """The caller's running timer, if any (it survives app restarts and device changes)."""
        entry = await services.running_timer(session, actor.user_id)
        return labor_out(entry) if entry else None

    @put("/{wo_id:uuid}/failure-codes")
    async def set_failure_codes(
        self, session: AsyncSession, actor: Actor, clock: Clock, wo_id: uuid.UUID, data: FailureCodesSet
    ) -> WorkOrderOut:
        return wo_out(await services.set_failure_codes(session, actor, wo_id, data, clock))

    @get("/{wo_id:uuid}/comments")
    async def comments(self, session: AsyncSession, wo_id: uuid.UUID) -> list[CommentOut]:
        return [CommentOut.of(c) for c in await services.comments_of(session, wo_id)]

    @post("/{wo_id:uuid}/comments")
    async def add_comment(
        self, session: AsyncSession, actor: Actor, clock: Clock, wo_id: uuid.UUID, data: CommentCreate
    ) -> CommentOut:
        """Comments are append-only: there is no edit or delete."""
        return CommentOut.of(
            await services.add_comment(session, actor, wo_id, data.body, clock, comment_id=data.id)
        )
