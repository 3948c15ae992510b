"""Backlog and maintenance cost (labor at the worker's rate plus parts at cost)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance import events
from backend.domain.maintenance.models import WorkOrder, WorkOrderLabor
from backend.domain.maintenance.reliability._failures import check_period, scope, subtree_root
from backend.domain.maintenance.reliability._schemas import (
    AssetCostOut,
    BacklogOut,
    BacklogRow,
    WorkOrderCostOut,
)
from backend.domain.maintenance.rules import BACKLOG, CLOSED, Priority
from backend.domain.maintenance.services._common import get_work_order


async def backlog(
    session: AsyncSession,
    *,
    now: datetime,
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
) -> BacklogOut:
    """Approved work not yet done (open, assigned, in progress, on hold), by priority."""
    root = await subtree_root(session, asset_id)
    stmt = (
        select(WorkOrder.priority, WorkOrder.estimated_hours, WorkOrder.due_at)
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .where(WorkOrder.status.in_([s.value for s in BACKLOG]), *scope(site_id, root))
    )
    by: dict[str, BacklogRow] = {
        p.value: BacklogRow(priority=p.value, work_orders=0, estimated_hours=0.0, unestimated=0, overdue=0)
        for p in Priority
    }
    for priority, estimate, due_at in (await session.execute(stmt)).all():
        row = by[priority]
        row.work_orders += 1
        if estimate is None:
            row.unestimated += 1
        else:
            row.estimated_hours += estimate
        if due_at is not None and due_at < now:
            row.overdue += 1
    rows = list(by.values())
    return BacklogOut(
        work_orders=sum(r.work_orders for r in rows),
        estimated_hours=sum(r.estimated_hours for r in rows),
        by_priority=rows,
    )


async def _labor(session: AsyncSession, wo_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[int, float]]:
    """Finished labor per work order: (minutes, cost); running timers do not count yet."""
    if not wo_ids:
        return {}
    stmt = (
        select(
            WorkOrderLabor.work_order_id,
            func.sum(WorkOrderLabor.minutes),
            func.sum(WorkOrderLabor.minutes * WorkOrderLabor.hourly_rate),
        )
        .where(WorkOrderLabor.work_order_id.in_(list(wo_ids)), WorkOrderLabor.ended_at.is_not(None))
        .group_by(WorkOrderLabor.work_order_id)
    )
    return {
        wo_id: (int(m or 0), float(c or 0.0) / 60.0) for wo_id, m, c in (await session.execute(stmt)).all()
    }


async def work_order_cost(session: AsyncSession, wo_id: uuid.UUID) -> WorkOrderCostOut:
    """Labor minutes x the worker's hourly rate, plus parts at cost (from the parts providers)."""
    wo = await get_work_order(session, wo_id)
    minutes, labor_cost = (await _labor(session, [wo.id])).get(wo.id, (0, 0.0))
    parts = (await events.parts_costs(session, [wo.id]))[wo.id]
    return WorkOrderCostOut(
        work_order_id=wo.id,
        number=wo.number,
        labor_minutes=minutes,
        labor_hours=minutes / 60.0,
        labor_cost=labor_cost,
        parts_cost=parts,
        total_cost=labor_cost + parts,
    )


async def asset_costs(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
) -> list[AssetCostOut]:
    """Cost of the work orders finished in the period, per asset they were raised on (most costly first)."""
    check_period(start, end)
    root = await subtree_root(session, asset_id)
    stmt = (
        select(WorkOrder.id, Asset)
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .where(
            WorkOrder.status.in_([s.value for s in CLOSED]),
            WorkOrder.completed_at >= start,
            WorkOrder.completed_at < end,
            *scope(site_id, root),
        )
    )
    rows = (await session.execute(stmt)).all()
    wo_ids = [wo_id for wo_id, _a in rows]
    labor = await _labor(session, wo_ids)
    parts = await events.parts_costs(session, wo_ids)
    per_asset: dict[uuid.UUID, tuple[Asset, int, int, float, float]] = {}
    for wo_id, asset in rows:
        _a, n, minutes, labor_cost, parts_cost = per_asset.get(asset.id, (asset, 0, 0, 0.0, 0.0))
        m, c = labor.get(wo_id, (0, 0.0))
        per_asset[asset.id] = (asset, n + 1, minutes + m, labor_cost + c, parts_cost + parts[wo_id])
    out = [
        AssetCostOut(
            asset_id=a.id,
            code=a.code,
            name=a.name,
            work_orders=n,
            labor_minutes=m,
            labor_hours=m / 60.0,
            labor_cost=lc,
            parts_cost=pc,
            total_cost=lc + pc,
        )
        for a, n, m, lc, pc in per_asset.values()
    ]
    return sorted(out, key=lambda r: (-r.total_cost, r.code))
