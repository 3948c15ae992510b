"""Work on a work order from devices: checklist answers, comments, labor, failure codes, requests."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from backend.db.offline import FieldRule, OfflineTx, Target, merge, occurred_clock
from backend.domain.maintenance import services
from backend.domain.maintenance.mutators._args import (
    ChecklistAnswerArgs,
    CommentArgs,
    FailureCodesArgs,
    LaborAddArgs,
    RequestArgs,
    TimerStartArgs,
    TimerStopArgs,
)
from backend.domain.maintenance.mutators._status import locked_item, locked_work_order, notice_for, target_of
from backend.domain.maintenance.replica import CHECKLIST_ITEM, CODE_SLOTS, WORKORDER, answer_value
from backend.domain.maintenance.schemas import (
    FailureCodesSet,
    LaborAdd,
    WorkRequestCreate,
)
from backend.domain.people.roles import Actor
from backend.lib.errors import NotFound
from sync.merge import SURFACE, Decision, FieldEdit
from sync.registry import MutationContext, Notice

Ctx = MutationContext[OfflineTx, Actor]


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
            target=target_of(wo, _code(getattr(wo, slot))),
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


def code_rule(slot: str) -> FieldRule:
    async def read(ctx: Ctx, row_id: str) -> Target:
        wo = await locked_work_order(ctx.tx.session, uuid.UUID(row_id))
        return target_of(wo, _code(getattr(wo, slot)))

    async def write(ctx: Ctx, row_id: str, value: Any) -> None:
        data = FailureCodesSet(**{slot: None if value is None else uuid.UUID(str(value))})
        await services.set_failure_codes(ctx.tx.session, ctx.auth, uuid.UUID(row_id), data, ctx.tx.clock)

    return FieldRule(WORKORDER, slot, SURFACE, read, write)


async def read_answer(ctx: Ctx, row_id: str) -> Target:
    item = await locked_item(ctx.tx.session, uuid.UUID(row_id))
    wo = await services.get_work_order(ctx.tx.session, item.work_order_id)
    value = answer_value(item.kind, item.value_bool, item.value_number, item.value_text)
    return Target(value, item.version, wo.site_id, tuple(wo.assignee_ids))


async def write_answer(ctx: Ctx, row_id: str, value: Any) -> None:
    item = await locked_item(ctx.tx.session, uuid.UUID(row_id))
    await services.answer_item(ctx.tx.session, ctx.auth, item.work_order_id, item.id, value, ctx.tx.clock)
