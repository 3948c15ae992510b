"""Occurrences with their state today (open, overdue, done, done late…) and PM compliance."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.rules import CLOSED, Status
from backend.domain.people.roles import Actor
from backend.domain.pm._work_orders import NOT_OPEN
from backend.domain.pm.models import PmOccurrence
from backend.domain.pm.rules import OccurrenceState, OccurrenceStatus, Tally, occurrence_state
from backend.domain.pm.schemas import (
    AssetCompliance,
    ComplianceFigure,
    ComplianceOut,
    OccurrenceOut,
    SiteCompliance,
)
from backend.lib.errors import NotFound, ValidationFailed

_OPEN = [s.value for s in Status if s not in NOT_OPEN]
_CLOSED = [s.value for s in CLOSED]
_GONE = [Status.CANCELLED.value, Status.REJECTED.value]


def _state_clause(state: OccurrenceState, now: datetime) -> Any:
    occ, wo = PmOccurrence, WorkOrder
    generated = occ.status == OccurrenceStatus.GENERATED
    closed = and_(generated, wo.status.in_(_CLOSED))
    return {
        OccurrenceState.PENDING: occ.status == OccurrenceStatus.PENDING,
        OccurrenceState.SKIPPED: occ.status == OccurrenceStatus.SKIPPED,
        OccurrenceState.OPEN: and_(generated, wo.status.in_(_OPEN), occ.grace_until >= now),
        OccurrenceState.OVERDUE: and_(generated, wo.status.in_(_OPEN), occ.grace_until < now),
        OccurrenceState.DONE: and_(closed, wo.completed_at <= occ.grace_until),
        OccurrenceState.DONE_LATE: and_(
            closed, or_(wo.completed_at.is_(None), wo.completed_at > occ.grace_until)
        ),
        OccurrenceState.CANCELLED: and_(generated, or_(wo.id.is_(None), wo.status.in_(_GONE))),
    }[state]


def _base() -> Any:
    return select(PmOccurrence, WorkOrder.status, WorkOrder.completed_at).outerjoin(
        WorkOrder, WorkOrder.id == PmOccurrence.work_order_id
    )


def occurrence_out(
    row: PmOccurrence, wo_status: str | None, completed_at: datetime | None, now: datetime
) -> OccurrenceOut:
    state = occurrence_state(row.status, wo_status, completed_at, row.grace_until, now)
    return OccurrenceOut.of(row, state=state.value, work_order_status=wo_status, completed_at=completed_at)


async def list_occurrences(
    session: AsyncSession,
    now: datetime,
    *,
    site_id: uuid.UUID | None = None,
    plan_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    state: OccurrenceState | None = None,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[OccurrenceOut]:
    """Occurrences by due date (newest first), with what they mean today."""
    stmt = _base()
    if site_id is not None:
        stmt = stmt.where(PmOccurrence.site_id == site_id)
    if plan_id is not None:
        stmt = stmt.where(PmOccurrence.plan_id == plan_id)
    if asset_id is not None:
        stmt = stmt.where(PmOccurrence.asset_id == asset_id)
    if state is not None:
        stmt = stmt.where(_state_clause(state, now))
    if due_from is not None:
        stmt = stmt.where(PmOccurrence.due_at >= due_from)
    if due_to is not None:
        stmt = stmt.where(PmOccurrence.due_at < due_to)
    stmt = stmt.order_by(PmOccurrence.due_at.desc(), PmOccurrence.id).limit(limit).offset(offset)
    rows = (await session.execute(stmt)).all()
    return [occurrence_out(occ, wo_status, done_at, now) for occ, wo_status, done_at in rows]


async def get_occurrence(session: AsyncSession, occurrence_id: uuid.UUID, now: datetime) -> OccurrenceOut:
    row = (await session.execute(_base().where(PmOccurrence.id == occurrence_id))).first()
    if row is None:
        raise NotFound("PM occurrence not found")
    occ, wo_status, done_at = row
    return occurrence_out(occ, wo_status, done_at, now)


def _figure(tally: Tally) -> dict[str, Any]:
    return {
        "compliance": tally.compliance,
        "decided": tally.decided,
        "on_time": tally.on_time,
        "late": tally.late,
        "overdue": tally.overdue,
        "open": tally.open,
        "cancelled": tally.cancelled,
        "skipped": tally.skipped,
        "pending": tally.pending,
    }


async def compliance(
    session: AsyncSession,
    actor: Actor,
    now: datetime,
    *,
    period_from: datetime,
    period_to: datetime,
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
) -> ComplianceOut:
    """PM compliance of the occurrences due in [period_from, period_to), overall, per site and
    per asset: work orders done by due date + grace over those decided (see `rules.Tally`)."""
    if period_from.tzinfo is None:
        raise ValidationFailed("from", "must carry a time zone")
    if period_to.tzinfo is None:
        raise ValidationFailed("to", "must carry a time zone")
    if period_to <= period_from:
        raise ValidationFailed("to", "must be after from")
    if site_id is not None:
        actor.require_site(site_id)
    stmt = (
        select(
            PmOccurrence.site_id,
            PmOccurrence.asset_id,
            PmOccurrence.status,
            PmOccurrence.grace_until,
            WorkOrder.status,
            WorkOrder.completed_at,
        )
        .outerjoin(WorkOrder, WorkOrder.id == PmOccurrence.work_order_id)
        .where(PmOccurrence.due_at >= period_from, PmOccurrence.due_at < period_to)
    )
    if site_id is not None:
        stmt = stmt.where(PmOccurrence.site_id == site_id)
    if asset_id is not None:
        stmt = stmt.where(PmOccurrence.asset_id == asset_id)
    overall = Tally()
    by_site: dict[uuid.UUID, Tally] = defaultdict(Tally)
    by_asset: dict[tuple[uuid.UUID, uuid.UUID], Tally] = defaultdict(Tally)
    for site, asset, status, grace_until, wo_status, done_at in (await session.execute(stmt)).all():
        state = occurrence_state(status, wo_status, done_at, grace_until, now)
        for tally in (overall, by_site[site], by_asset[(site, asset)]):
            tally.add(state)
    return ComplianceOut(
        period_from=period_from,
        period_to=period_to,
        as_of=now,
        overall=ComplianceFigure(**_figure(overall)),
        sites=[
            SiteCompliance(site_id=s, **_figure(t))
            for s, t in sorted(by_site.items(), key=lambda i: str(i[0]))
        ],
        assets=[
            AssetCompliance(site_id=s, asset_id=a, **_figure(t))
            for (s, a), t in sorted(by_asset.items(), key=lambda i: (str(i[0][0]), str(i[0][1])))
        ],
    )
