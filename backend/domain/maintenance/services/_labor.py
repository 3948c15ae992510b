"""Labor on work orders: a running timer per user (stored, so it survives restarts) and manual entries."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance.models import WorkOrder, WorkOrderLabor
from backend.domain.maintenance.rules import Status
from backend.domain.maintenance.schemas import LaborAdd
from backend.domain.maintenance.services._common import assignable_users, flush, get_work_order, user_ref
from backend.domain.people.models import User
from backend.domain.people.roles import MAINTENANCE_ROLES, PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, ValidationFailed

# Manual entries may run a little into the future (clock skew between devices), never far.
CLOCK_SKEW = timedelta(minutes=5)
LONGEST_ENTRY = timedelta(hours=24)
MANUAL_STATES = frozenset({Status.IN_PROGRESS, Status.ON_HOLD, Status.DONE})


def whole_minutes(start: datetime, end: datetime) -> int:
    """Minutes between two instants, rounded to the nearest minute (half a minute rounds up)."""
    return int((max(end - start, timedelta(0)).total_seconds() + 30) // 60)


async def running_timer(session: AsyncSession, user_id: uuid.UUID) -> WorkOrderLabor | None:
    stmt = select(WorkOrderLabor).where(WorkOrderLabor.user_id == user_id, WorkOrderLabor.ended_at.is_(None))
    return (await session.execute(stmt.execution_options(skip_site_scope=True))).scalar_one_or_none()


async def _rate_of(session: AsyncSession, user_id: uuid.UUID) -> float:
    rate = await session.scalar(select(User.hourly_rate).where(User.id == user_id))
    return float(rate or 0.0)


async def start_timer(
    session: AsyncSession,
    actor: Actor,
    wo_id: uuid.UUID,
    clock: Clock,
    *,
    note: str | None = None,
    entry_id: uuid.UUID | None = None,
) -> WorkOrderLabor:
    """Start the caller's timer on a work order in progress; a user runs one timer at a time."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(MAINTENANCE_ROLES, "log labor")
    if wo.status != Status.IN_PROGRESS:
        raise Conflict(f"timers run on work orders in progress; {wo.number} is '{wo.status}'")
    user_id = user_ref(actor)
    if user_id is None:
        raise Conflict("the system actor does not log labor")
    running = await running_timer(session, user_id)
    if running is not None:
        raise Conflict(
            "you already have a running timer; stop it first",
            running_labor_id=str(running.id),
            work_order_id=str(running.work_order_id),
        )
    entry = WorkOrderLabor(
        site_id=wo.site_id,
        work_order_id=wo.id,
        user_id=user_id,
        started_at=clock.now(),
        hourly_rate=await _rate_of(session, user_id),
        source="timer",
        note=note,
    )
    if entry_id is not None:
        entry.id = entry_id
    session.add(entry)
    await flush(session)
    return entry


def _stop(entry: WorkOrderLabor, now: datetime) -> None:
    entry.ended_at = max(now, entry.started_at)
    entry.minutes = whole_minutes(entry.started_at, entry.ended_at)


async def stop_timer(session: AsyncSession, actor: Actor, wo_id: uuid.UUID, clock: Clock) -> WorkOrderLabor:
    """Stop the caller's running timer on this work order: the end is now, the minutes follow."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(MAINTENANCE_ROLES, "log labor")
    stmt = select(WorkOrderLabor).where(
        WorkOrderLabor.work_order_id == wo.id,
        WorkOrderLabor.user_id == actor.user_id,
        WorkOrderLabor.ended_at.is_(None),
    )
    entry = (await session.execute(stmt)).scalar_one_or_none()
    if entry is None:
        raise Conflict(f"you have no running timer on {wo.number}")
    _stop(entry, clock.now())
    await flush(session)
    return entry


async def stop_running_on(session: AsyncSession, wo_id: uuid.UUID, now: datetime) -> None:
    """Every timer still running on a work order stops when it is held, completed or cancelled."""
    stmt = select(WorkOrderLabor).where(
        WorkOrderLabor.work_order_id == wo_id, WorkOrderLabor.ended_at.is_(None)
    )
    for entry in (await session.execute(stmt)).scalars():
        _stop(entry, now)


async def add_labor(
    session: AsyncSession, actor: Actor, wo_id: uuid.UUID, data: LaborAdd, clock: Clock
) -> WorkOrderLabor:
    """A finished stretch of work entered by hand; planners may enter it for someone else."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(MAINTENANCE_ROLES, "log labor")
    if Status(wo.status) not in MANUAL_STATES:
        raise Conflict(f"labor is logged on work that has started; {wo.number} is '{wo.status}'")
    user_id = data.user_id or user_ref(actor)
    if user_id is None:
        raise ValidationFailed("user_id", "name the person who did the work")
    if user_id != actor.user_id:
        actor.require_role(PLANNING_ROLES, "log labor for someone else")
    await assignable_users(session, wo.site_id, [user_id], "user_id")
    if data.ended_at <= data.started_at:
        raise ValidationFailed("ended_at", "must be after started_at")
    if data.ended_at > clock.now() + CLOCK_SKEW:
        raise ValidationFailed("ended_at", "lies in the future")
    if data.ended_at - data.started_at > LONGEST_ENTRY:
        raise ValidationFailed("ended_at", "one entry covers at most 24 hours")
    entry = WorkOrderLabor(
        site_id=wo.site_id,
        work_order_id=wo.id,
        user_id=user_id,
        started_at=data.started_at,
        ended_at=data.ended_at,
        minutes=whole_minutes(data.started_at, data.ended_at),
        hourly_rate=await _rate_of(session, user_id),
        source="manual",
        note=data.note,
    )
    if data.id is not None:
        entry.id = data.id
    session.add(entry)
    await flush(session)
    return entry


async def labor_of(session: AsyncSession, wo: WorkOrder | uuid.UUID) -> list[WorkOrderLabor]:
    wo_id = wo.id if isinstance(wo, WorkOrder) else wo
    stmt = (
        select(WorkOrderLabor)
        .where(WorkOrderLabor.work_order_id == wo_id)
        .order_by(WorkOrderLabor.started_at, WorkOrderLabor.id)
    )
    return list((await session.execute(stmt)).scalars())
