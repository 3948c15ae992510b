"""MTTR, MTBF and the failure Pareto from corrective work orders and their linked downtime."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance import events, figures
from backend.domain.maintenance.events import DowntimeProvider
from backend.domain.maintenance.models import FailureCode, WorkOrder
from backend.domain.maintenance.reliability._schemas import (
    MtbfRow,
    MttrOut,
    ParetoOut,
)
from backend.domain.maintenance.rules import CLOSED, Status, WorkOrderType
from backend.lib.errors import ValidationFailed

GroupBy = Literal["asset", "asset_class", "line"]
CodeSlot = Literal["problem", "cause", "remedy"]
_NOT_FAILURES = (Status.REQUESTED.value, Status.REJECTED.value, Status.CANCELLED.value)
_UNIT_LEVEL = {"asset": "machine", "asset_class": "machine", "line": "line"}


def check_period(start: datetime, end: datetime) -> None:
    if end <= start:
        raise ValidationFailed("end", "the period must end after it starts")


async def subtree_root(session: AsyncSession, asset_id: uuid.UUID | None) -> Asset | None:
    if asset_id is None:
        return None
    root = (await session.execute(select(Asset).where(Asset.id == asset_id))).scalar_one_or_none()
    if root is None:
        raise ValidationFailed("asset_id", "no such asset")
    return root


def scope(site_id: uuid.UUID | None, root: Asset | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if site_id is not None:
        conds.append(WorkOrder.site_id == site_id)
    if root is not None:
        conds.append(Asset.path.startswith(root.path))
    return conds


def _repair(wo: WorkOrder, path: str, linked: dict[uuid.UUID, events.DowntimeInterval]) -> figures.Repair:
    if wo.id in linked:
        failed_at, restored_at = linked[wo.id]
    else:
        failed_at = wo.created_at
        restored_at = wo.completed_at if wo.status in CLOSED else None
    return figures.Repair(wo.id, wo.asset_id, path, failed_at, restored_at)


async def repairs(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    downtime: DowntimeProvider | None = None,
) -> list[figures.Repair]:
    """Corrective work orders that may touch the period (not requested, rejected or cancelled)."""
    root = await subtree_root(session, asset_id)
    stmt = (
        select(WorkOrder, Asset.path)
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .where(
            WorkOrder.type == WorkOrderType.CORRECTIVE.value,
            WorkOrder.status.not_in(_NOT_FAILURES),
            WorkOrder.created_at < end,
            or_(WorkOrder.completed_at.is_(None), WorkOrder.completed_at >= start),
            *scope(site_id, root),
        )
    )
    rows = (await session.execute(stmt)).all()
    linked = await events.downtimes(session, [wo for wo, _p in rows], downtime)
    return [_repair(wo, path, linked) for wo, path in rows]


async def mttr(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    downtime: DowntimeProvider | None = None,
) -> MttrOut:
    check_period(start, end)
    found = await repairs(
        session, start=start, end=end, site_id=site_id, asset_id=asset_id, downtime=downtime
    )
    figure = figures.mttr(found, start, end)
    return MttrOut(
        start=start,
        end=end,
        repairs=figure.repairs,
        repair_hours=figure.repair_hours,
        mttr_hours=figure.mttr_hours,
    )


async def mtbf(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    group_by: GroupBy = "asset",
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    downtime: DowntimeProvider | None = None,
) -> list[MtbfRow]:
    """MTBF per machine, per machine class or per line; with `asset_id`, for that asset alone.
    Each unit counts the failures of its whole subtree (a spindle failure is a failure of its mill)."""
    check_period(start, end)
    units_stmt = select(Asset).where(Asset.retired_at.is_(None)).order_by(Asset.code)
    if asset_id is not None:
        units_stmt = units_stmt.where(Asset.id == asset_id)
    else:
        units_stmt = units_stmt.where(Asset.level == _UNIT_LEVEL[group_by])
    if site_id is not None:
        units_stmt = units_stmt.where(Asset.site_id == site_id)
    units = list((await session.execute(units_stmt)).scalars())
    if asset_id is not None and not units:
        raise ValidationFailed("asset_id", "no such asset")
    found = await repairs(
        session, start=start, end=end, site_id=site_id, asset_id=asset_id, downtime=downtime
    )
    per_unit = {
        u.id: figures.mtbf([r for r in found if r.asset_path.startswith(u.path)], start, end) for u in units
    }
    if group_by != "asset_class" or asset_id is not None:
        return [_mtbf_row(str(u.id), f"{u.code} {u.name}", u.id, per_unit[u.id]) for u in units]
    classes: dict[str, list[figures.Mtbf]] = defaultdict(list)
    for u in units:
        if u.asset_class:
            classes[u.asset_class].append(per_unit[u.id])
    rows = []
    for cls in sorted(classes):
        parts = classes[cls]
        operating = sum(p.operating_hours for p in parts)
        failures = sum(p.failures for p in parts)
        total = figures.Mtbf(
            period_hours=sum(p.period_hours for p in parts),
            downtime_hours=sum(p.downtime_hours for p in parts),
            operating_hours=operating,
            failures=failures,
            mtbf_hours=operating / failures if failures else None,
        )
        rows.append(_mtbf_row(cls, f"{cls} ({len(parts)} assets)", None, total))
    return rows


def _mtbf_row(key: str, label: str, asset_id: uuid.UUID | None, f: figures.Mtbf) -> MtbfRow:
    return MtbfRow(
        key=key,
        label=label,
        asset_id=asset_id,
        period_hours=f.period_hours,
        downtime_hours=f.downtime_hours,
        operating_hours=f.operating_hours,
        failures=f.failures,
        mtbf_hours=f.mtbf_hours,
    )


async def pareto(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    by: CodeSlot = "problem",
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    downtime: DowntimeProvider | None = None,
) -> list[ParetoOut]:
    """Work orders finished in the period, counted by their problem (cause, remedy) code."""
    check_period(start, end)
    root = await subtree_root(session, asset_id)
    column = getattr(WorkOrder, f"{by}_code_id")
    stmt = (
        select(WorkOrder, Asset.path)
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .where(
            column.is_not(None),
            WorkOrder.status.in_([s.value for s in CLOSED]),
            WorkOrder.completed_at >= start,
            WorkOrder.completed_at < end,
            *scope(site_id, root),
        )
    )
    rows = (await session.execute(stmt)).all()
    linked = await events.downtimes(session, [wo for wo, _p in rows], downtime)
    counts: dict[uuid.UUID, tuple[int, float]] = {}
    for wo, path in rows:
        repair = _repair(wo, path, linked)
        hours = ((repair.restored_at or end) - repair.failed_at).total_seconds() / figures.HOUR
        count, total = counts.get(getattr(wo, f"{by}_code_id"), (0, 0.0))
        counts[getattr(wo, f"{by}_code_id")] = (count + 1, total + hours)
    codes = {
        c.id: c
        for c in (
            await session.execute(select(FailureCode).where(FailureCode.id.in_(list(counts))))
        ).scalars()
    }
    return [
        ParetoOut(
            code_id=row.key,
            code=codes[row.key].code,
            name=codes[row.key].name,
            count=row.count,
            repair_hours=row.repair_hours,
            share=row.share,
            cumulative_share=row.cumulative_share,
        )
        for row in figures.pareto(counts)
    ]
