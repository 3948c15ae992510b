"""What inventory needs to know of a work order: that it is in scope, on which site, and open."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import Part
from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.rules import EXECUTABLE, Status
from backend.lib.errors import Conflict, NotFound, ValidationFailed


async def get_work_order(
    session: AsyncSession, work_order_id: uuid.UUID, *, field: str | None = "work_order_id"
) -> WorkOrder:
    row = (await session.execute(select(WorkOrder).where(WorkOrder.id == work_order_id))).scalar_one_or_none()
    if row is None:
        if field:
            raise ValidationFailed(field, "no such work order")
        raise NotFound("work order not found")
    return row


async def work_order_for(
    session: AsyncSession, work_order_id: uuid.UUID, part: Part, *, require_open: bool, action: str
) -> WorkOrder:
    """The work order parts are booked to: same site as the part and, when asked, still open."""
    order = await get_work_order(session, work_order_id)
    if order.site_id != part.site_id:
        raise ValidationFailed("work_order_id", "the work order belongs to another site than the part")
    if require_open and Status(order.status) not in EXECUTABLE:
        raise Conflict(
            f"parts cannot be {action} a work order that is '{order.status}'",
            work_order_status=order.status,
        )
    return order
