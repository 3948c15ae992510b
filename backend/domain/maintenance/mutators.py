"""Offline mutations of maintenance: what a technician does on the floor, sent later by the PWA.

Each mutator locks the work order it is about, merges the edited field where the field is merged
(status by the state machine's rule, checklist answers and failure codes surfaced as conflicts),
and calls the same services as the API with the device's actor. Times of things that happened
on the device (started, stopped, completed) are the device's, never later than the server's now.
"""

from __future__ import annotations

import uuid
from collections import deque
from datetime import datetime
from typing import Annotated, Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.offline import FieldRule, OfflineTx, Target, merge, occurred_clock
from backend.domain.maintenance import services
from backend.domain.maintenance.models import WorkOrder, WorkOrderChecklistItem
from backend.domain.maintenance.replica import CHECKLIST_ITEM, CODE_SLOTS, WORKORDER, answer_value
from backend.domain.maintenance.rules import (
    ASSIGNMENT_EDGES,
    TRANSITIONS,
    HoldReason,
    Priority,
    Status,
)
from backend.domain.maintenance.schemas import (
    AnswerValue,
    AwareDatetime,
    FailureCodesSet,
    LaborAdd,
    WorkRequestCreate,
)
from backend.domain.people.roles import Actor
from backend.lib.errors import IllegalTransition, NotFound
from backend.lib.schema import Input, LongText, Name, ShortText
from sync.merge import SURFACE, Decision, FieldDecision, FieldEdit, RuleDecision, ruled
from sync.registry import MutationContext, MutatorRegistry, Notice

Ctx = MutationContext[OfflineTx, Actor]
BaseVersion = Annotated[int, msgspec.Meta(ge=0, le=2**53 - 1)]

# --- the status rule -----------------------------------------------------------------------

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


# --- arguments -----------------------------------------------------------------------------


class StatusArgs(Input):
    id: uuid.UUID
    base_version: BaseVersion
    at: AwareDatetime | None = None


class HoldArgs(StatusArgs, kw_only=True):
    reason: HoldReason


class ChecklistAnswerArgs(Input):
    work_order_id: uuid.UUID
    item_id: uuid.UUID
    value: AnswerValue
    base_version: BaseVersion
    at: AwareDatetime | None = None


class CommentArgs(Input):
    id: uuid.UUID
    work_order_id: uuid.UUID
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class LaborAddArgs(Input):
    id: uuid.UUID
    work_order_id: uuid.UUID
    started_at: AwareDatetime
    ended_at: AwareDatetime
    note: ShortText | None = None


class TimerStartArgs(Input):
    id: uuid.UUID
    work_order_id: uuid.UUID
    note: ShortText | None = None
    at: AwareDatetime | None = None


class TimerStopArgs(Input):
    work_order_id: uuid.UUID
    at: AwareDatetime | None = None


class FailureCodesArgs(Input):
    id: uuid.UUID
    base_version: BaseVersion
    problem_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    cause_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    remedy_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET


class RequestArgs(Input):
    id: uuid.UUID
    asset_id: uuid.UUID
    title: Name
    description: LongText = ""
    priority: Priority = Priority.MEDIUM


# --- helpers -------------------------------------------------------------------------------


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


def _target(wo: WorkOrder, value: Any) -> Target:
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
        target=_target(wo, wo.status),
        edit=FieldEdit(wanted.value, args.base_version),
    )
    if decision.decision is Decision.APPLIED:
        await walk(ctx, wo, wanted, reason, args.at)
    return notice_for([decision])


# --- mutators ------------------------------------------------------------------------------


async def start(ctx: Ctx, args: StatusArgs) -> Notice | None:
    return await change_status(ctx, args, Status.IN_PROGRESS)


async def hold(ctx: Ctx, args: HoldArgs) -> Notice | None:
    return await change_status(ctx, args, Status.ON_HOLD, args.reason.value)


async def resume(ctx: Ctx, args: StatusArgs) -> Notice | None:
    return await change_status(ctx, args, Status.IN_PROGRESS)


async def complete(ctx: Ctx, args: StatusArgs) -> Notice | None:
    return await change_status(ctx, args, Status.DONE)


async def checklist_answer(ctx: Ctx, args: ChecklistAnswerArgs) -> Notice | None:
    session = ctx.tx.session
    wo = await locked_work_order(session, args.work_order_id)
    item = await locked_item(session, args.item_id)
    if item.work_order_id != wo.id:
        raise NotFound("checklist item not found on this work order")
    current = answer_value(item.kind, item.value_bool, item.value_number, item.value_text)
    decision = await merge(
        ctx,
        entity=CHECKLIST_ITEM,
        row_id=str(item.id),
        field="value",
        policy=SURFACE,
        target=Target(current, item.version, wo.site_id, tuple(wo.assignee_ids)),
        edit=FieldEdit(args.value, args.base_version),
    )
    if decision.decision is Decision.APPLIED:
        clock = occurred_clock(ctx, args.at)
        await services.answer_item(session, ctx.auth, wo.id, item.id, args.value, clock)
    return notice_for([decision])


async def comment(ctx: Ctx, args: CommentArgs) -> Notice | None:
    clock = occurred_clock(ctx, None)
    await services.add_comment(
        ctx.tx.session, ctx.auth, args.work_order_id, args.body, clock, comment_id=args.id
    )
    return None


async def labor_add(ctx: Ctx, args: LaborAddArgs) -> Notice | None:
    data = LaborAdd(started_at=args.started_at, ended_at=args.ended_at, note=args.note, id=args.id)
    await services.add_labor(ctx.tx.session, ctx.auth, args.work_order_id, data, ctx.tx.clock)
    return None


async def timer_start(ctx: Ctx, args: TimerStartArgs) -> Notice | None:
    clock = occurred_clock(ctx, args.at)
    await services.start_timer(
        ctx.tx.session, ctx.auth, args.work_order_id, clock, note=args.note, entry_id=args.id
    )
    return None


async def timer_stop(ctx: Ctx, args: TimerStopArgs) -> Notice | None:
    await services.stop_timer(ctx.tx.session, ctx.auth, args.work_order_id, occurred_clock(ctx, args.at))
    return None


def _code(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


async def failure_codes(ctx: Ctx, args: FailureCodesArgs) -> Notice | None:
    wo = await locked_work_order(ctx.tx.session, args.id)
    decisions = []
    applied: dict[str, uuid.UUID | None] = {}
    for slot in CODE_SLOTS:
        value = getattr(args, slot)
        if value is msgspec.UNSET:
            continue
        decision = await merge(
            ctx,
            entity=WORKORDER,
            row_id=str(wo.id),
            field=slot,
            policy=SURFACE,
            target=_target(wo, _code(getattr(wo, slot))),
            edit=FieldEdit(_code(value), args.base_version),
        )
        decisions.append(decision)
        if decision.decision is Decision.APPLIED:
            applied[slot] = value
    if applied:
        data = FailureCodesSet(**applied)
        await services.set_failure_codes(ctx.tx.session, ctx.auth, wo.id, data, ctx.tx.clock)
    return notice_for(decisions)


async def request(ctx: Ctx, args: RequestArgs) -> Notice | None:
    data = WorkRequestCreate(
        asset_id=args.asset_id,
        title=args.title,
        id=args.id,
        description=args.description,
        priority=args.priority,
    )
    await services.raise_request(ctx.tx.session, ctx.auth, data, occurred_clock(ctx, None))
    return None


# --- conflict resolution -------------------------------------------------------------------


async def _read_status(ctx: Ctx, row_id: str) -> Target:
    wo = await locked_work_order(ctx.tx.session, uuid.UUID(row_id))
    return _target(wo, wo.status)


async def _write_status(ctx: Ctx, row_id: str, value: Any) -> None:
    wo = await locked_work_order(ctx.tx.session, uuid.UUID(row_id))
    await walk(ctx, wo, Status(value), None, None)


def _code_rule(slot: str) -> FieldRule:
    async def read(ctx: Ctx, row_id: str) -> Target:
        wo = await locked_work_order(ctx.tx.session, uuid.UUID(row_id))
        return _target(wo, _code(getattr(wo, slot)))

    async def write(ctx: Ctx, row_id: str, value: Any) -> None:
        data = FailureCodesSet(**{slot: None if value is None else uuid.UUID(str(value))})
        await services.set_failure_codes(ctx.tx.session, ctx.auth, uuid.UUID(row_id), data, ctx.tx.clock)

    return FieldRule(WORKORDER, slot, SURFACE, read, write)


async def _read_answer(ctx: Ctx, row_id: str) -> Target:
    item = await locked_item(ctx.tx.session, uuid.UUID(row_id))
    wo = await services.get_work_order(ctx.tx.session, item.work_order_id)
    value = answer_value(item.kind, item.value_bool, item.value_number, item.value_text)
    return Target(value, item.version, wo.site_id, tuple(wo.assignee_ids))


async def _write_answer(ctx: Ctx, row_id: str, value: Any) -> None:
    item = await locked_item(ctx.tx.session, uuid.UUID(row_id))
    await services.answer_item(ctx.tx.session, ctx.auth, item.work_order_id, item.id, value, ctx.tx.clock)


FIELDS: tuple[FieldRule, ...] = (
    FieldRule(WORKORDER, "status", STATUS_POLICY, _read_status, _write_status),
    *(_code_rule(slot) for slot in CODE_SLOTS),
    FieldRule(CHECKLIST_ITEM, "value", SURFACE, _read_answer, _write_answer),
)


def register(registry: MutatorRegistry[Any, Actor]) -> None:
    registry.register("workorder.start", 1, StatusArgs, start)
    registry.register("workorder.hold", 1, HoldArgs, hold)
    registry.register("workorder.resume", 1, StatusArgs, resume)
    registry.register("workorder.complete", 1, StatusArgs, complete)
    registry.register("workorder.checklist_answer", 1, ChecklistAnswerArgs, checklist_answer)
    registry.register("workorder.comment", 1, CommentArgs, comment)
    registry.register("workorder.labor_add", 1, LaborAddArgs, labor_add)
    registry.register("workorder.timer_start", 1, TimerStartArgs, timer_start)
    registry.register("workorder.timer_stop", 1, TimerStopArgs, timer_stop)
    registry.register("workorder.failure_codes", 1, FailureCodesArgs, failure_codes)
    registry.register("workorder.request", 1, RequestArgs, request)
