"""Work orders: create, raise a request, assign, and move through the status graph."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance import events
from backend.domain.maintenance.models import WorkOrder, WorkOrderAssignee, WorkOrderCounter
from backend.domain.maintenance.rules import (
    ASSIGNMENT_EDGES,
    CLOSED,
    EXECUTION_TARGETS,
    TERMINAL,
    HoldReason,
    Priority,
    Status,
    WorkOrderType,
    action_name,
    check_transition,
    roles_for,
    work_order_number,
)
from backend.domain.maintenance.schemas import WorkOrderCreate, WorkRequestCreate
from backend.domain.maintenance.services._checklists import instantiate, missing_required, template_for
from backend.domain.maintenance.services._common import (
    assignable_users,
    flush,
    get_asset_for,
    get_work_order,
    user_ref,
)
from backend.domain.maintenance.services._labor import stop_running_on
from backend.domain.people.roles import ALL_ROLES, PLANNING_ROLES, Actor, Role
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, FieldError, Forbidden, IllegalTransition, ValidationFailed
from backend.lib.ids import uuid7


async def _next_seq(session: AsyncSession, site_id: uuid.UUID) -> int:
    """The site's next work-order number, handed out atomically (the row stays locked until commit)."""
    table = cast(Table, WorkOrderCounter.__table__)
    dialect = session.get_bind().dialect.name
    insert = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    stmt = (
        insert.values(site_id=site_id, last_seq=1)
        .on_conflict_do_update(index_elements=[table.c.site_id], set_={"last_seq": table.c.last_seq + 1})
        .returning(table.c.last_seq)
    )
    return int((await session.execute(stmt)).scalar_one())


async def _occurrence_taken(session: AsyncSession, plan_id: uuid.UUID, key: str) -> WorkOrder | None:
    stmt = select(WorkOrder).where(WorkOrder.pm_plan_id == plan_id, WorkOrder.pm_occurrence_key == key)
    return (await session.execute(stmt.execution_options(skip_site_scope=True))).scalar_one_or_none()


def _occurrence_conflict(existing: WorkOrder | None) -> Conflict:
    if existing is None:
        return Conflict("this PM occurrence already has a work order")
    return Conflict(
        f"this PM occurrence already has work order {existing.number}", work_order_id=str(existing.id)
    )


async def _insert(
    session: AsyncSession,
    actor: Actor,
    asset: Asset,
    clock: Clock,
    *,
    wo_id: uuid.UUID | None,
    status: Status,
    fields: dict[str, object],
    assignees: Sequence[uuid.UUID] = (),
) -> WorkOrder:
    if wo_id is not None:
        exists = select(WorkOrder.id).where(WorkOrder.id == wo_id).execution_options(skip_site_scope=True)
        if (await session.execute(exists)).first() is not None:
            raise Conflict("a work order with this id exists")
    now = clock.now()
    # The counter's upsert comes first: on SQLite it opens the transaction, so the savepoint below
    # is nested in it (a SAVEPOINT opening the transaction would commit on release).
    seq = await _next_seq(session, asset.site_id)
    try:
        async with session.begin_nested():
            wo = WorkOrder(
                id=wo_id or uuid7(),
                site_id=asset.site_id,
                seq=seq,
                number=work_order_number(seq),
                status=status.value,
                asset_id=asset.id,
                requested_by=user_ref(actor),
                created_at=now,
                updated_at=now,
                **fields,
            )
            wo.assignees = [
                WorkOrderAssignee(
                    site_id=asset.site_id, user_id=uid, assigned_at=now, assigned_by=user_ref(actor)
                )
                for uid in assignees
            ]
            session.add(wo)
            await session.flush()
    except IntegrityError:
        plan_id, key = fields.get("pm_plan_id"), fields.get("pm_occurrence_key")
        if isinstance(plan_id, uuid.UUID) and isinstance(key, str):
            raise _occurrence_conflict(await _occurrence_taken(session, plan_id, key)) from None
        raise
    return wo


async def create_work_order(
    session: AsyncSession, actor: Actor, data: WorkOrderCreate, clock: Clock
) -> WorkOrder:
    """A planned work order: open, or assigned when it comes with assignees (PM and the closed loop
    call this with a system actor)."""
    actor.require_role(PLANNING_ROLES, "create work orders")
    asset = await get_asset_for(session, actor, data.asset_id, "asset_id")
    if data.site_id is not None and data.site_id != asset.site_id:
        raise ValidationFailed("site_id", "the asset belongs to another site")
    if data.pm_occurrence_key is not None and data.pm_plan_id is None:
        raise ValidationFailed("pm_occurrence_key", "an occurrence key needs a pm_plan_id")
    template = (
        await template_for(session, data.checklist_template_id, asset)
        if data.checklist_template_id is not None
        else None
    )
    assignee_ids = list(dict.fromkeys(data.assignee_ids))
    await assignable_users(session, asset.site_id, assignee_ids, "assignee_ids")
    if data.pm_plan_id is not None and data.pm_occurrence_key is not None:
        existing = await _occurrence_taken(session, data.pm_plan_id, data.pm_occurrence_key)
        if existing is not None:
            raise _occurrence_conflict(existing)
    wo = await _insert(
        session,
        actor,
        asset,
        clock,
        wo_id=data.id,
        status=Status.ASSIGNED if assignee_ids else Status.OPEN,
        assignees=assignee_ids,
        fields={
            "type": WorkOrderType(data.type).value,
            "title": data.title,
            "description": data.description,
            "priority": Priority(data.priority).value,
            "due_at": data.due_at,
            "estimated_hours": data.estimated_hours,
            "downtime_event_id": data.downtime_event_id,
            "pm_plan_id": data.pm_plan_id,
            "pm_occurrence_key": data.pm_occurrence_key,
            "checklist_template_id": template.id if template else None,
            "approved_by": user_ref(actor),
            "approved_at": clock.now(),
        },
    )
    if template is not None:
        session.add_all(instantiate(wo, template))
        await flush(session)
    await events.fire_created(session, wo)
    await events.fire_assigned(session, wo, assignee_ids)
    return wo


async def raise_request(
    session: AsyncSession, actor: Actor, data: WorkRequestCreate, clock: Clock
) -> WorkOrder:
    """Anyone on the site may ask for work; it waits in `requested` for a planner's decision."""
    actor.require_role(ALL_ROLES, "raise work requests")
    asset = await get_asset_for(session, actor, data.asset_id, "asset_id")
    wo = await _insert(
        session,
        actor,
        asset,
        clock,
        wo_id=data.id,
        status=Status.REQUESTED,
        fields={
            "type": WorkOrderType.CORRECTIVE.value,
            "title": data.title,
            "description": data.description,
            "priority": Priority(data.priority).value,
        },
    )
    await events.fire_created(session, wo)
    return wo


async def assign(
    session: AsyncSession, actor: Actor, wo_id: uuid.UUID, user_ids: Sequence[uuid.UUID], clock: Clock
) -> WorkOrder:
    """Replace the assignee set. Open work becomes assigned when it gets people and open again when
    it loses them; work in progress keeps at least one person."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(PLANNING_ROLES, "assign work orders")
    status = Status(wo.status)
    if status is Status.REQUESTED or status is Status.DONE or status in TERMINAL:
        raise IllegalTransition("work order", wo.status, Status.ASSIGNED.value)
    wanted = list(dict.fromkeys(user_ids))
    await assignable_users(session, wo.site_id, wanted, "user_ids")
    if not wanted and status in {Status.IN_PROGRESS, Status.ON_HOLD}:
        raise ValidationFailed(
            "user_ids", f"a work order in status '{wo.status}' keeps at least one assignee"
        )
    now = clock.now()
    current = set(wo.assignee_ids)
    added = [uid for uid in wanted if uid not in current]
    kept = [a for a in wo.assignees if a.user_id in set(wanted)]
    wo.assignees = kept + [
        WorkOrderAssignee(site_id=wo.site_id, user_id=uid, assigned_at=now, assigned_by=user_ref(actor))
        for uid in added
    ]
    if status is Status.OPEN and wanted:
        wo.status = Status.ASSIGNED.value
    elif status is Status.ASSIGNED and not wanted:
        wo.status = Status.OPEN.value
    wo.updated_at = now
    await flush(session)
    await events.fire_assigned(session, wo, added)
    return wo


async def transition(
    session: AsyncSession,
    actor: Actor,
    wo_id: uuid.UUID,
    wanted: str,
    clock: Clock,
    reason: str | None = None,
) -> WorkOrder:
    """Walk one edge of the status graph (see `rules.TRANSITIONS`) with its side effects."""
    wo = await get_work_order(session, wo_id)
    current = Status(wo.status)
    target = check_transition(wo.status, wanted)
    if (current, target) in ASSIGNMENT_EDGES:
        raise ValidationFailed("to", "assignment changes go through the assign action")
    action = action_name(current, target)
    actor.require_role(roles_for(target), f"{action} work orders")
    if actor.role is Role.TECHNICIAN and target in EXECUTION_TARGETS and actor.user_id not in wo.assignee_ids:
        raise Forbidden(f"only the technicians assigned to {wo.number} may {action} it")
    now = clock.now()
    await _apply(session, actor, wo, target, now, reason)
    wo.status = target.value
    wo.updated_at = now
    await flush(session)
    if target in CLOSED:
        await events.fire_closed(session, wo)
    return wo


async def _apply(
    session: AsyncSession, actor: Actor, wo: WorkOrder, target: Status, now: datetime, reason: str | None
) -> None:
    reason = reason.strip() if reason else None
    if target is Status.OPEN:
        wo.approved_by, wo.approved_at = user_ref(actor), now
    elif target is Status.REJECTED:
        if not reason:
            raise ValidationFailed("reason", "a rejection needs a reason")
        wo.rejection_reason = reason
    elif target is Status.IN_PROGRESS:
        wo.started_at = wo.started_at or now
        wo.hold_reason = None
    elif target is Status.ON_HOLD:
        if reason not in set(HoldReason):
            choices = ", ".join(h.value for h in HoldReason)
            raise ValidationFailed("reason", f"a hold needs a reason, one of: {choices}")
        wo.hold_reason = reason
        await stop_running_on(session, wo.id, now)
    elif target is Status.DONE:
        missing = await missing_required(session, wo.id)
        if missing:
            labels = ", ".join(item.label for item in missing)
            raise Conflict(
                f"required checklist items are unanswered: {labels}",
                errors=[
                    FieldError(f"checklist.{item.id}", f"'{item.label}' is required") for item in missing
                ],
                missing_items=[{"id": str(item.id), "label": item.label} for item in missing],
            )
        wo.completed_by, wo.completed_at = user_ref(actor), now
        await stop_running_on(session, wo.id, now)
    elif target is Status.VERIFIED:
        wo.verified_by, wo.verified_at = user_ref(actor), now
    elif target is Status.CANCELLED:
        wo.cancel_reason = reason
        wo.cancelled_at = now
        await stop_running_on(session, wo.id, now)
