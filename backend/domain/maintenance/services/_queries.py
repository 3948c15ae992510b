"""Work-order lists: filters, sort orders and keyset pagination; a technician's own work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.types import UTCDateTime
from backend.domain.assets.models import Asset
from backend.domain.maintenance import paging
from backend.domain.maintenance.models import WorkOrder, WorkOrderAssignee
from backend.domain.maintenance.rules import PRIORITY_RANK, Status
from backend.domain.people.roles import Actor
from backend.lib.errors import ValidationFailed

# Work orders without a due date sort after every dated one.
NO_DUE_DATE = datetime(9000, 1, 1, tzinfo=UTC)
MY_WORK = (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)


@dataclass(frozen=True)
class Filters:
    site_id: uuid.UUID | None = None
    asset_id: uuid.UUID | None = None
    statuses: Sequence[str] = ()
    assignee_id: uuid.UUID | None = None
    priorities: Sequence[str] = ()
    types: Sequence[str] = ()
    due_from: datetime | None = None
    due_to: datetime | None = None
    q: str | None = None
    pm_plan_id: uuid.UUID | None = None


def _priority_rank() -> ColumnElement[int]:
    return case(dict(PRIORITY_RANK), value=WorkOrder.priority, else_=len(PRIORITY_RANK))


def _due() -> ColumnElement[datetime]:
    return func.coalesce(WorkOrder.due_at, literal(NO_DUE_DATE, UTCDateTime()))


def _sort_expr(sort_field: str) -> ColumnElement[Any]:
    if sort_field == "priority":
        return _priority_rank()
    if sort_field == "due":
        return _due()
    if sort_field == "number":
        return WorkOrder.seq  # type: ignore[return-value]
    return WorkOrder.created_at  # type: ignore[return-value]


def _key_of(wo: WorkOrder, sort_field: str) -> paging.KeyValue:
    if sort_field == "priority":
        return PRIORITY_RANK.get(wo.priority, len(PRIORITY_RANK))
    if sort_field == "due":
        return wo.due_at or NO_DUE_DATE
    if sort_field == "number":
        return wo.seq
    return wo.created_at


async def _where(session: AsyncSession, f: Filters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.site_id is not None:
        conds.append(WorkOrder.site_id == f.site_id)
    if f.asset_id is not None:
        root = (await session.execute(select(Asset).where(Asset.id == f.asset_id))).scalar_one_or_none()
        if root is None:
            raise ValidationFailed("asset_id", "no such asset")
        subtree = select(Asset.id).where(Asset.site_id == root.site_id, Asset.path.startswith(root.path))
        conds.append(WorkOrder.asset_id.in_(subtree))
    if f.statuses:
        conds.append(WorkOrder.status.in_(list(f.statuses)))
    if f.assignee_id is not None:
        assigned = select(WorkOrderAssignee.work_order_id).where(WorkOrderAssignee.user_id == f.assignee_id)
        conds.append(WorkOrder.id.in_(assigned))
    if f.priorities:
        conds.append(WorkOrder.priority.in_(list(f.priorities)))
    if f.types:
        conds.append(WorkOrder.type.in_(list(f.types)))
    if f.due_from is not None:
        conds.append(WorkOrder.due_at >= f.due_from)
    if f.due_to is not None:
        conds.append(WorkOrder.due_at < f.due_to)
    if f.q:
        like = f"%{f.q.lower()}%"
        conds.append(or_(func.lower(WorkOrder.title).like(like), func.lower(WorkOrder.number).like(like)))
    if f.pm_plan_id is not None:
        conds.append(WorkOrder.pm_plan_id == f.pm_plan_id)
    return conds


async def list_work_orders(
    session: AsyncSession,
    filters: Filters,
    *,
    sort: str = "-created",
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[WorkOrder], str | None]:
    """One page and the cursor of the next. Keyset pagination on (sort key, id): rows inserted
    while paging never shift the pages, so no row already listed comes again and none is skipped."""
    sort_field, descending = paging.split_sort(sort)
    expr = _sort_expr(sort_field)
    stmt = select(WorkOrder).where(*await _where(session, filters))
    if cursor:
        key, last_id = paging.decode(cursor, sort)
        if descending:
            stmt = stmt.where(or_(expr < key, and_(expr == key, WorkOrder.id < last_id)))
        else:
            stmt = stmt.where(or_(expr > key, and_(expr == key, WorkOrder.id > last_id)))
    order = (expr.desc(), WorkOrder.id.desc()) if descending else (expr.asc(), WorkOrder.id.asc())
    rows = list((await session.execute(stmt.order_by(*order).limit(limit + 1))).scalars())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, paging.encode(sort, _key_of(last, sort_field), last.id)


async def my_work(session: AsyncSession, actor: Actor, *, limit: int = 200) -> list[WorkOrder]:
    """Work assigned to the caller that is not finished: most urgent first, then the earliest due."""
    assigned = select(WorkOrderAssignee.work_order_id).where(WorkOrderAssignee.user_id == actor.user_id)
    stmt = (
        select(WorkOrder)
        .where(WorkOrder.id.in_(assigned), WorkOrder.status.in_([s.value for s in MY_WORK]))
        .order_by(_priority_rank(), _due(), WorkOrder.created_at, WorkOrder.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())
