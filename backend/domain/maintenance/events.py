"""In-process hooks other contexts register into, awaited inside the work order's own transaction.

- `on_created(session, work_order)`: after a work order or work request is inserted.
- `on_assigned(session, work_order, user_ids)`: after people were added to a work order (at
  creation with assignees, or by `assign`); `user_ids` holds only the newly added people.
- `on_closed(session, work_order)`: when the work order becomes done, when it is verified, and
  when its failure codes change while it is done. Handlers must be idempotent.

Providers feed the reliability figures:
- `parts_cost_provider`: `(session, work_order_ids) -> {work_order_id: parts cost}`; the figures
  add up what every registered provider returns (none registered: parts cost 0).
- `downtime_provider`: `(session, work_orders) -> {work_order_id: (down_from, down_until | None)}`;
  a linked downtime replaces the work order's own failure and restoration times.

Register by appending to the list at import time; a handler that raises aborts the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from backend.domain.maintenance.models import WorkOrder

WorkOrderHook = Callable[[AsyncSession, "WorkOrder"], Awaitable[None]]
AssignedHook = Callable[[AsyncSession, "WorkOrder", list[uuid.UUID]], Awaitable[None]]
PartsCostProvider = Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[Mapping[uuid.UUID, float]]]
DowntimeInterval = tuple[datetime, datetime | None]
DowntimeProvider = Callable[
    [AsyncSession, Sequence["WorkOrder"]], Awaitable[Mapping[uuid.UUID, DowntimeInterval]]
]

on_created: list[WorkOrderHook] = []
on_assigned: list[AssignedHook] = []
on_closed: list[WorkOrderHook] = []
parts_cost_provider: list[PartsCostProvider] = []
downtime_provider: list[DowntimeProvider] = []


async def fire_created(session: AsyncSession, work_order: WorkOrder) -> None:
    for hook in list(on_created):
        await hook(session, work_order)


async def fire_assigned(session: AsyncSession, work_order: WorkOrder, user_ids: list[uuid.UUID]) -> None:
    if not user_ids:
        return
    for hook in list(on_assigned):
        await hook(session, work_order, list(user_ids))


async def fire_closed(session: AsyncSession, work_order: WorkOrder) -> None:
    for hook in list(on_closed):
        await hook(session, work_order)


async def parts_costs(session: AsyncSession, work_order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
    """Parts cost per work order, summed over every registered provider."""
    totals = dict.fromkeys(work_order_ids, 0.0)
    if not work_order_ids:
        return totals
    for provider in list(parts_cost_provider):
        for wo_id, cost in (await provider(session, list(work_order_ids))).items():
            if wo_id in totals:
                totals[wo_id] += float(cost)
    return totals


async def downtimes(
    session: AsyncSession, work_orders: Sequence[WorkOrder], extra: DowntimeProvider | None = None
) -> dict[uuid.UUID, DowntimeInterval]:
    """Linked downtime per work order; `extra` (when given) wins over registered providers."""
    found: dict[uuid.UUID, DowntimeInterval] = {}
    if not work_orders:
        return found
    for provider in [*downtime_provider, *([extra] if extra else [])]:
        found.update(await provider(session, list(work_orders)))
    return found
