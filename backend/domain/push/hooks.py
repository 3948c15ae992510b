"""Registrations into other contexts' event lists (imported by `backend.db.registry`).

A work order's newly added assignees get a `work_order.assigned` push on every device, queued in
the assignment's transaction. (Breakdowns created without assignees reach the on-call technician
through `backend.domain.oncall.hooks`, whose assignment lands here too.)
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance import events
from backend.domain.maintenance.models import WorkOrder
from backend.domain.push import services

ASSIGNED = "work_order.assigned"


async def notify_assigned(session: AsyncSession, work_order: WorkOrder, user_ids: list[uuid.UUID]) -> None:
    await services.enqueue_work_order(
        session,
        kind=ASSIGNED,
        user_ids=user_ids,
        work_order_id=work_order.id,
        number=work_order.number,
        priority=work_order.priority,
        title=work_order.title,
        asset_id=work_order.asset_id,
    )


if notify_assigned not in events.on_assigned:
    events.on_assigned.append(notify_assigned)
