"""The PM generator: makes each due occurrence's work order a lead time ahead, exactly once.

Each plan is handled in its own transaction. On PostgreSQL the transaction first takes an
advisory lock on the plan, so concurrent generators (other replicas, other processes) take
turns per plan and the later one sees what the earlier one committed. Independently of the
lock, every occurrence is inserted in a savepoint under UNIQUE (plan_id, key) — and its work
order under UNIQUE (pm_plan_id, pm_occurrence_key) — so a generator that lost a race rolls back
that one occurrence and carries on.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.domain.assets.models import Asset
from backend.domain.maintenance.rules import CLOSED
from backend.domain.meters.services import first_total, get_meter, reached_at, total_at
from backend.domain.people.models import Site
from backend.domain.pm import _work_orders as work_orders
from backend.domain.pm.models import PmOccurrence, PmPlan
from backend.domain.pm.rules import (
    SKIP_MISSED,
    SKIP_OPEN,
    IntervalUnit,
    OccurrenceStatus,
    PlanKind,
    Schedule,
    first_index,
    next_floating,
    shift,
)
from backend.domain.pm.schemas import GeneratorReport
from backend.domain.pm.services.plans import plan_assets
from backend.lib.clock import Clock
from backend.lib.errors import Conflict

log = logging.getLogger("gemba.pm")
# After a long outage only the newest occurrences are recorded (the last gets the work order).
MAX_CATCH_UP = 50
_LOCK_CLASS = 0x504D
SKIP_RETIRED = "the asset was retired"


@dataclass(frozen=True)
class Candidate:
    key: str
    due_at: datetime
    triggered_at: datetime
    meter_due: float | None = None


def time_key(asset_id: uuid.UUID, due: datetime) -> str:
    return f"{asset_id}@{due.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def meter_key(asset_id: uuid.UUID, level: float) -> str:
    return f"{asset_id}@m{level:.6f}".rstrip("0").rstrip(".")


def episode_key(asset_id: uuid.UUID, start: datetime) -> str:
    return f"{asset_id}@c{start.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}"


async def run_generator(session_maker: async_sessionmaker[Any], clock: Clock) -> GeneratorReport:
    """One pass over every active plan; a plan whose pass fails is logged and retried next time."""
    report = GeneratorReport()
    async with session_maker() as session:
        stmt = select(PmPlan.id).where(PmPlan.active.is_(True)).order_by(PmPlan.id)
        plan_ids = list((await session.execute(stmt)).scalars())
    for plan_id in plan_ids:
        part = GeneratorReport()
        try:
            async with session_maker() as session, session.begin():
                await lock_plan(session, plan_id)
                plan = await session.get(PmPlan, plan_id)
                if plan is None or not plan.active:
                    continue
                await generate_plan(session, plan, clock, part)
        except Exception:
            log.exception("PM generation failed for plan %s", plan_id)
            report.failed.append(plan_id)
            continue
        report.plans += 1
        report.generated += part.generated
        report.skipped += part.skipped
        report.already += part.already
    if report.generated or report.skipped or report.failed:
        log.info("PM generator: %s", report)
    return report


async def lock_plan(session: AsyncSession, plan_id: uuid.UUID) -> None:
    """Serialize generators per plan until the transaction ends (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(plan_id.bytes[-4:], "big", signed=True)
        await session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _LOCK_CLASS, "b": key})


async def generate_plan(session: AsyncSession, plan: PmPlan, clock: Clock, report: GeneratorReport) -> None:
    """Record every occurrence of `plan` that has come up by now, in the caller's transaction."""
    if plan.kind == PlanKind.CONDITION:
        await _settle_pending(session, plan, clock, report)
        return
    site = await session.get(Site, plan.site_id)
    tz = site.timezone if site is not None else "UTC"
    now = clock.now()
    for asset in await plan_assets(session, plan):
        if plan.kind == PlanKind.CALENDAR:
            found = await calendar_candidates(session, plan, asset.id, tz, now)
        else:
            found = await meter_candidates(session, plan, asset.id)
        await settle(session, plan, asset, found, clock, report)


async def _latest(session: AsyncSession, plan: PmPlan, asset_id: uuid.UUID, by: Any) -> PmOccurrence | None:
    stmt = (
        select(PmOccurrence)
        .where(PmOccurrence.plan_id == plan.id, PmOccurrence.asset_id == asset_id)
        .order_by(by.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def calendar_candidates(
    session: AsyncSession, plan: PmPlan, asset_id: uuid.UUID, tz: str, now: datetime
) -> list[Candidate]:
    """Due dates whose generation time (due − lead) has come and that are not recorded yet."""
    assert plan.every is not None
    assert plan.unit is not None
    assert plan.starts_at is not None
    every, unit, anchor = plan.every, IntervalUnit(plan.unit), plan.starts_at
    lead = timedelta(days=plan.lead_days)
    latest = await _latest(session, plan, asset_id, PmOccurrence.due_at)
    if plan.schedule == Schedule.FLOATING:
        due = await _floating_due(session, plan, latest, tz)
        if due is None or due - lead > now:
            return []
        return [Candidate(time_key(asset_id, due), due, due - lead)]
    first = first_index(anchor, every, unit, tz, plan.effective_from, strictly_after=False)
    if latest is not None:
        first = max(first, first_index(anchor, every, unit, tz, latest.due_at, strictly_after=True))
    end = first_index(anchor, every, unit, tz, now + lead, strictly_after=True)
    out = []
    for n in range(max(first, end - MAX_CATCH_UP), end):
        due = shift(anchor, n, every, unit, tz)
        out.append(Candidate(time_key(asset_id, due), due, due - lead))
    return out


async def _floating_due(
    session: AsyncSession, plan: PmPlan, latest: PmOccurrence | None, tz: str
) -> datetime | None:
    """One interval after the last completion (or cancellation); None while its work is open."""
    assert plan.every is not None
    assert plan.unit is not None
    assert plan.starts_at is not None
    every, unit = plan.every, IntervalUnit(plan.unit)
    if latest is None:
        return max(plan.starts_at, plan.effective_from)
    closed_at = latest.due_at
    if latest.status == OccurrenceStatus.GENERATED:
        wo = await work_orders.work_order_of(session, latest.work_order_id)
        if wo is not None and wo.status not in work_orders.NOT_OPEN:
            return None
        if wo is not None:
            closed_at = (wo.completed_at if wo.status in CLOSED else wo.cancelled_at) or wo.updated_at
    elif latest.status == OccurrenceStatus.PENDING:
        return None
    due = max(next_floating(closed_at, every, unit, tz), plan.effective_from)
    return due if due > latest.due_at else next_floating(latest.due_at, every, unit, tz)


async def meter_candidates(session: AsyncSession, plan: PmPlan, asset_id: uuid.UUID) -> list[Candidate]:
    """Thresholds (base + k × interval) the meter's usage has reached, less the lead, not yet recorded."""
    assert plan.meter is not None
    assert plan.meter_interval is not None
    meter = await get_meter(session, asset_id, plan.meter)
    if meter is None:
        return []
    interval, lead = plan.meter_interval, plan.meter_lead
    latest = await _latest(session, plan, asset_id, PmOccurrence.meter_due)
    if latest is not None and latest.meter_due is not None:
        base = latest.meter_due
    elif plan.meter_start is not None:
        base = plan.meter_start
    else:
        at_start = await total_at(session, meter, plan.effective_from)
        base = at_start if at_start is not None else await first_total(session, meter)
    end = math.floor((meter.total + lead - base) / interval + 1e-9)
    out = []
    for k in range(max(1, end - MAX_CATCH_UP + 1), end + 1):
        level = round(base + k * interval, 6)
        reached = await reached_at(session, meter, level - lead) or meter.last_at
        when = max(reached, plan.effective_from)
        due = when + timedelta(days=plan.due_in_days)
        out.append(Candidate(meter_key(asset_id, level), due, when, level))
    return out


async def settle(
    session: AsyncSession,
    plan: PmPlan,
    asset: Asset,
    found: Sequence[Candidate],
    clock: Clock,
    report: GeneratorReport,
) -> None:
    """All but the newest candidate are skipped as missed; the newest gets its work order unless
    the plan's previous one on this asset is still open (then it is skipped: no stacking)."""
    if not found:
        return
    for older in found[:-1]:
        await _record(session, plan, asset, older, SKIP_MISSED, clock, report)
    newest = found[-1]
    still_open = await work_orders.has_open_work_order(session, plan.id, asset.id)
    await _record(session, plan, asset, newest, SKIP_OPEN if still_open else None, clock, report)


async def _record(
    session: AsyncSession,
    plan: PmPlan,
    asset: Asset,
    found: Candidate,
    skip: str | None,
    clock: Clock,
    report: GeneratorReport,
) -> None:
    now = clock.now()
    try:
        async with session.begin_nested():
            occurrence = PmOccurrence(
                site_id=asset.site_id,
                plan_id=plan.id,
                asset_id=asset.id,
                key=found.key,
                status=OccurrenceStatus.SKIPPED if skip else OccurrenceStatus.GENERATED,
                due_at=found.due_at,
                grace_until=found.due_at + timedelta(days=plan.grace_days),
                triggered_at=found.triggered_at,
                reason=skip,
                meter_due=found.meter_due,
                created_at=now,
                updated_at=now,
            )
            session.add(occurrence)
            await session.flush()
            if skip is None:
                wo = await work_orders.create_for(session, plan, asset, occurrence, clock)
                occurrence.work_order_id, occurrence.generated_at = wo.id, now
                await session.flush()
    except (IntegrityError, Conflict):
        report.already += 1
        return
    if skip:
        report.skipped += 1
    else:
        report.generated += 1


async def _settle_pending(session: AsyncSession, plan: PmPlan, clock: Clock, report: GeneratorReport) -> None:
    """Condition occurrences recorded as pending when the rule fired get their work order now."""
    stmt = (
        select(PmOccurrence)
        .where(PmOccurrence.plan_id == plan.id, PmOccurrence.status == OccurrenceStatus.PENDING)
        .order_by(PmOccurrence.due_at, PmOccurrence.id)
    )
    for occurrence in list((await session.execute(stmt)).scalars()):
        asset = await session.get(Asset, occurrence.asset_id)
        skip: str | None = None
        if asset is None or asset.retired_at is not None:
            skip = SKIP_RETIRED
        elif await work_orders.has_open_work_order(session, plan.id, asset.id):
            skip = SKIP_OPEN
        await _claim(session, plan, asset, occurrence, skip, clock, report)


async def _claim(
    session: AsyncSession,
    plan: PmPlan,
    asset: Asset | None,
    occurrence: PmOccurrence,
    skip: str | None,
    clock: Clock,
    report: GeneratorReport,
) -> None:
    now = clock.now()
    status = OccurrenceStatus.SKIPPED if skip else OccurrenceStatus.GENERATED
    try:
        async with session.begin_nested():
            claimed = await session.execute(
                update(PmOccurrence)
                .where(PmOccurrence.id == occurrence.id, PmOccurrence.status == OccurrenceStatus.PENDING)
                .values(status=status, reason=skip, generated_at=None if skip else now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                report.already += 1
                return
            if skip is None and asset is not None:
                wo = await work_orders.create_for(session, plan, asset, occurrence, clock)
                await session.execute(
                    update(PmOccurrence)
                    .where(PmOccurrence.id == occurrence.id)
                    .values(work_order_id=wo.id)
                    .execution_options(synchronize_session=False)
                )
    except (IntegrityError, Conflict):
        report.already += 1
        return
    if skip:
        report.skipped += 1
    else:
        report.generated += 1
