"""Work order status from devices: the merge rule of concurrent status edits, and walking the
state machine through the same service as the API."""

from __future__ import annotations

import uuid
from collections import deque
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.offline import OfflineTx, Target, merge, occurred_clock
from backend.domain.maintenance import services
from backend.domain.maintenance.models import WorkOrder, WorkOrderChecklistItem
from backend.domain.maintenance.mutators._args import HoldArgs, StatusArgs
from backend.domain.maintenance.replica import WORKORDER
from backend.domain.maintenance.rules import (
    ASSIGNMENT_EDGES,
    TRANSITIONS,
    HoldReason,
    Status,
)
from backend.domain.people.roles import Actor
from backend.lib.errors import IllegalTransition, NotFound
from sync.merge import Decision, FieldDecision, FieldEdit, RuleDecision, ruled
from sync.registry import MutationContext, Notice

Ctx = MutationContext[OfflineTx, Actor]

_RANK = {
    Status.REQUESTED: 0,
    Status.OPEN: 1,
    Status.ASSIGNED: 2,
    Status.IN_PROGRESS: 3,
    Status.ON_HOLD: 3,
    Status.DONE: 4,
}
_TERMINAL = frozenset({Status.VERIFIED, Status.CANCELLED, Status.REJECTED})


def status_rule(server: Any, client: Any) -> RuleDecision:
    """Concurrent status edits: a terminal server state is never overwritten (conflict); the
    state further along wins (a server further along is kept without a conflict); in progress
    against on hold is for people to decide."""
    try:
        have, want = Status(server), Status(client)
    except ValueError:
        return RuleDecision.SURFACE
    if have in _TERMINAL:
        return RuleDecision.SURFACE
    if want in _TERMINAL:
        return RuleDecision.TAKE_CLIENT
    if _RANK[want] > _RANK[have]:
        return RuleDecision.TAKE_CLIENT
    if _RANK[want] < _RANK[have]:
        return RuleDecision.KEEP_SERVER
    return RuleDecision.SURFACE


STATUS_POLICY = ruled(status_rule)


def status_path(current: Status, wanted: Status) -> list[Status] | None:
    """The shortest walk along the status graph (assignment edges excluded), or None."""
    if current is wanted:
        return []
    previous: dict[Status, Status] = {}
    queue = deque([current])
    while queue:
        here = queue.popleft()
        for nxt in sorted(TRANSITIONS[here]):
            if (here, nxt) in ASSIGNMENT_EDGES or nxt in previous or nxt is current:
                continue
            previous[nxt] = here
            if nxt is wanted:
                path = [nxt]
                while path[-1] in previous and previous[path[-1]] is not current:
                    path.append(previous[path[-1]])
                return list(reversed(path))
            queue.append(nxt)
    return None


async def locked_work_order(session: AsyncSession, wo_id: uuid.UUID) -> WorkOrder:
    stmt = (
        select(WorkOrder)
        .where(WorkOrder.id == wo_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    wo = (await session.execute(stmt)).scalar_one_or_none()
    if wo is None:
        raise NotFound("work order not found")
    return wo


async def locked_item(session: AsyncSession, item_id: uuid.UUID) -> WorkOrderChecklistItem:
    stmt = (
        select(WorkOrderChecklistItem)
        .where(WorkOrderChecklistItem.id == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    item = (await session.execute(stmt)).scalar_one_or_none()
    if item is None:
        raise NotFound("checklist item not found")
    return item


def notice_for(decisions: list[FieldDecision]) -> Notice | None:
    lost = [d.field for d in decisions if d.decision is Decision.CONFLICT]
    if lost:
        return Notice(
            "conflict", f"someone else changed {', '.join(lost)} first; both values are kept for review"
        )
    kept = [d.field for d in decisions if d.decision is Decision.KEPT]
    if kept:
        return Notice("superseded", f"{', '.join(kept)} had already moved on")
    return None


async def walk(ctx: Ctx, wo: WorkOrder, wanted: Status, reason: str | None, at: datetime | None) -> None:
    path = status_path(Status(wo.status), wanted)
    if path is None:
        raise IllegalTransition("work order", wo.status, wanted.value)
    clock = occurred_clock(ctx, at)
    for step in path:
        why = (reason or HoldReason.OTHER.value) if step is Status.ON_HOLD else None
        await services.transition(ctx.tx.session, ctx.auth, wo.id, step.value, clock, reason=why)


def target_of(wo: WorkOrder, value: Any) -> Target:
    return Target(value, wo.version, wo.site_id, tuple(wo.assignee_ids))


async def change_status(
    ctx: Ctx, args: StatusArgs, wanted: Status, reason: str | None = None
) -> Notice | None:
    wo = await locked_work_order(ctx.tx.session, args.id)
    decision = await merge(
        ctx,
        entity=WORKORDER,
        row_id=str(wo.id),
        field="status",
        policy=STATUS_POLICY,
        target=target_of(wo, wo.status),
        edit=FieldEdit(wanted.value, args.base_version),
    )
    if decision.decision is Decision.APPLIED:
        await walk(ctx, wo, wanted, reason, args.at)
    return notice_for([decision])


async def start(ctx: Ctx, args: StatusArgs) -> Notice | None:
    return await change_status(ctx, args, Status.IN_PROGRESS)


async def hold(ctx: Ctx, args: HoldArgs) -> Notice | None:
    return await change_status(ctx, args, Status.ON_HOLD, args.reason.value)


async def resume(ctx: Ctx, args: StatusArgs) -> Notice | None:
    return await change_status(ctx, args, Status.IN_PROGRESS)


async def complete(ctx: Ctx, args: StatusArgs) -> Notice | None:
    return await change_status(ctx, args, Status.DONE)


async def read_status(ctx: Ctx, row_id: str) -> Target:
    wo = await locked_work_order(ctx.tx.session, uuid.UUID(row_id))
    return target_of(wo, wo.status)


async def write_status(ctx: Ctx, row_id: str, value: Any) -> None:
    wo = await locked_work_order(ctx.tx.session, uuid.UUID(row_id))
    await walk(ctx, wo, Status(value), None, None)
