"""HTTP endpoints for work orders: create, request, read, list, my work, assign, change status."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance import services
from backend.domain.maintenance.controller._convert import aware, detail_out, wo_out
from backend.domain.maintenance.paging import Sort
from backend.domain.maintenance.rules import Priority, Status, WorkOrderType
from backend.domain.maintenance.schemas import (
    AssignIn,
    TransitionIn,
    WorkOrderCreate,
    WorkOrderDetail,
    WorkOrderOut,
    WorkOrderPage,
    WorkRequestCreate,
)
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock


async def _detail(session: AsyncSession, wo_id: uuid.UUID) -> WorkOrderDetail:
    wo = await services.get_work_order(session, wo_id)
    return detail_out(
        wo, await services.checklist_of(session, wo.id), await services.labor_of(session, wo.id)
    )


class WorkOrderController(Controller):
    path = "/api/work-orders"
    tags = ["maintenance"]

    @post("/")
    async def create(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: WorkOrderCreate
    ) -> WorkOrderDetail:
        """Planners, managers and admins create work orders (assigned at once when assignees are given)."""
        wo = await services.create_work_order(session, actor, data, clock)
        return await _detail(session, wo.id)

    @post("/requests")
    async def raise_request(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: WorkRequestCreate
    ) -> WorkOrderOut:
        """Anyone may ask for work; it stays `requested` until a planner approves or rejects it."""
        return wo_out(await services.raise_request(session, actor, data, clock))

    @get("/")
    async def list_work_orders(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = Parameter(default=None, description="the asset and everything under it"),
        status: list[Status] | None = None,
        assignee_id: uuid.UUID | None = None,
        priority: list[Priority] | None = None,
        type_: list[WorkOrderType] | None = Parameter(query="type", default=None),
        due_from: datetime | None = None,
        due_to: datetime | None = None,
        q: str | None = Parameter(default=None, max_length=100),
        pm_plan_id: uuid.UUID | None = None,
        sort: Sort = "-created",
        cursor: str | None = Parameter(default=None, max_length=500),
        limit: int = Parameter(default=50, ge=1, le=200),
    ) -> WorkOrderPage:
        filters = services.Filters(
            site_id=site_id,
            asset_id=asset_id,
            statuses=[s.value for s in status or []],
            assignee_id=assignee_id,
            priorities=[p.value for p in priority or []],
            types=[t.value for t in type_ or []],
            due_from=aware(due_from, "due_from"),
            due_to=aware(due_to, "due_to"),
            q=q,
            pm_plan_id=pm_plan_id,
        )
        rows, next_cursor = await services.list_work_orders(
            session, filters, sort=sort, cursor=cursor, limit=limit
        )
        return WorkOrderPage(items=[wo_out(w) for w in rows], next_cursor=next_cursor)

    @get("/my-work")
    async def my_work(self, session: AsyncSession, actor: Actor) -> list[WorkOrderOut]:
        """What the caller is assigned to and has not finished: most urgent first, then earliest due."""
        return [wo_out(w) for w in await services.my_work(session, actor)]

    @get("/{wo_id:uuid}")
    async def get_work_order(self, session: AsyncSession, wo_id: uuid.UUID) -> WorkOrderDetail:
        return await _detail(session, wo_id)

    @post("/{wo_id:uuid}/assign", status_code=200)
    async def assign(
        self, session: AsyncSession, actor: Actor, clock: Clock, wo_id: uuid.UUID, data: AssignIn
    ) -> WorkOrderOut:
        """Replace the assignees (an empty list unassigns open work)."""
        return wo_out(await services.assign(session, actor, wo_id, data.user_ids, clock))

    @post("/{wo_id:uuid}/transition", status_code=200)
    async def transition(
        self, session: AsyncSession, actor: Actor, clock: Clock, wo_id: uuid.UUID, data: TransitionIn
    ) -> WorkOrderOut:
        """Move to `to`: open (approve), rejected (reason), in_progress (start/resume), on_hold (reason),
        done, verified or cancelled. An optional `note` is added as a comment."""
        wo = await services.transition(session, actor, wo_id, data.to.value, clock, data.reason)
        if data.note and data.note.strip():
            await services.add_comment(session, actor, wo.id, data.note, clock)
        return wo_out(wo)
