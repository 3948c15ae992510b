"""Inventory's part in the maintenance context: parts cost, and reservations freed on closing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.services import parts_cost_by_work_order, release_open_reservations
from backend.domain.maintenance import events
from backend.domain.maintenance.models import WorkOrder
from backend.lib.clock import FixedClock, utcnow


async def release_reservations_on_close(session: AsyncSession, work_order: WorkOrder) -> None:
    """Parts still reserved for finished work go back to available (idempotent)."""
    when = work_order.completed_at or work_order.verified_at or utcnow()
    await release_open_reservations(session, work_order.id, FixedClock(when))


if parts_cost_by_work_order not in events.parts_cost_provider:
    events.parts_cost_provider.append(parts_cost_by_work_order)
if release_reservations_on_close not in events.on_closed:
    events.on_closed.append(release_reservations_on_close)
