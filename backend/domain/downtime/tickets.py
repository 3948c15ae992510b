"""The maintenance side of a stop: one corrective work order per downtime event, and the work
order's failure codes flowing back as the event's reason when it closes."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.downtime import services as downtime
from backend.domain.downtime.models import DowntimeEvent
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.models import FailureCode, WorkOrder
from backend.domain.maintenance.rules import TERMINAL, Priority
from backend.domain.maintenance.schemas import WorkOrderCreate


class _At:
    """A clock pinned to one instant (the moment the stop crossed its threshold)."""

    def __init__(self, when: datetime) -> None:
        self._when = when

    def now(self) -> datetime:
        return self._when


async def _open_ticket_of_machine(session: AsyncSession, asset_id: uuid.UUID) -> WorkOrder | None:
    """The machine's corrective work order raised by an earlier stop and not finished yet."""
    rows = await session.execute(
        select(WorkOrder)
        .where(WorkOrder.asset_id == asset_id, WorkOrder.downtime_event_id.is_not(None))
        .where(WorkOrder.status.not_in([s.value for s in TERMINAL]))
        .where(WorkOrder.status.not_in(["done", "verified"]))
        .order_by(WorkOrder.created_at.desc())
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def raise_ticket(session: AsyncSession, event: DowntimeEvent, now: datetime) -> None:
    """Once per event: link to the machine's open stop ticket, else create a corrective work order
    (which the on-call rota assigns, and the assignment pushes to the technician's devices)."""
    if event.work_order_id is not None:
        return
    # Row lock on PostgreSQL so two ingest requests for the same stop cannot both create one.
    locked = await session.scalar(
        select(DowntimeEvent)
        .where(DowntimeEvent.id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is not None and locked.work_order_id is not None:
        return
    existing = await _open_ticket_of_machine(session, event.asset_id)
    if existing is not None:
        event.work_order_id = existing.id
        await session.flush()
        return
    asset = await session.get(Asset, event.asset_id)
    assert asset is not None
    fault = f" (fault {event.fault_code})" if event.fault_code is not None else ""
    data = WorkOrderCreate(
        asset_id=asset.id,
        title=f"{asset.code} stopped{fault}",
        description=f"{asset.name} stopped at {event.started_at:%Y-%m-%d %H:%M:%S} UTC{fault}; raised from the machine's own signal.",
        priority=Priority.EMERGENCY
        if asset.criticality == "high" and event.fault_code is not None
        else Priority.HIGH,
        downtime_event_id=event.id,
    )
    work_order = await maintenance.create_work_order(
        session, maintenance.system_actor([event.site_id]), data, _At(now)
    )
    event.work_order_id = work_order.id
    await session.flush()


async def _reason_of(session: AsyncSession, work_order: WorkOrder) -> tuple[str | None, str | None]:
    ids = [i for i in (work_order.problem_code_id, work_order.cause_code_id) if i is not None]
    if not ids:
        return None, None
    codes = {
        c.id: c for c in (await session.execute(select(FailureCode).where(FailureCode.id.in_(ids)))).scalars()
    }
    problem = codes.get(work_order.problem_code_id) if work_order.problem_code_id else None
    cause = codes.get(work_order.cause_code_id) if work_order.cause_code_id else None
    code = "/".join(c.code for c in (problem, cause) if c is not None)
    label = " / ".join(c.name for c in (problem, cause) if c is not None)
    return code or None, f"machine: {label}" if label else None


async def reason_from_work_order(session: AsyncSession, work_order: WorkOrder) -> None:
    """Closing (or re-coding) the work order sets the reason of every stop it repaired."""
    if work_order.downtime_event_id is None:
        linked = await session.scalar(
            select(DowntimeEvent.id).where(DowntimeEvent.work_order_id == work_order.id)
        )
        if linked is None:
            return
    code, label = await _reason_of(session, work_order)
    await downtime.set_reason_from_work_order(
        session, work_order.id, code, label or "machine: repaired (no failure code)"
    )


async def downtime_of_work_orders(
    session: AsyncSession, work_orders: Sequence[WorkOrder]
) -> Mapping[uuid.UUID, tuple[datetime, datetime | None]]:
    """For MTTR/MTBF: a work order linked to stops is down from the first stop to the last restart."""
    ids = [w.id for w in work_orders]
    rows = await session.execute(select(DowntimeEvent).where(DowntimeEvent.work_order_id.in_(ids)))
    spans: dict[uuid.UUID, tuple[datetime, datetime | None]] = {}
    for event in rows.scalars():
        assert event.work_order_id is not None
        start, end = spans.get(event.work_order_id, (event.started_at, event.ended_at))
        ends = [e for e in (end, event.ended_at) if e is not None]
        open_ = end is None or event.ended_at is None
        spans[event.work_order_id] = (min(start, event.started_at), None if open_ else max(ends))
    return spans
