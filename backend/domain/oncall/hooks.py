"""Registrations into other contexts' event lists (imported by `backend.db.registry`).

A corrective, condition-based or emergency work order created without assignees is assigned to
whoever is on call for its site and area at its creation time (its assignment then notifies them
like any other). Nobody on call: it stays open for a planner.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance import events
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.models import WorkOrder
from backend.domain.oncall import rules, services
from backend.lib.errors import DomainError

log = logging.getLogger("gemba.oncall")


class _At:
    """A clock pinned to the work order's creation, so the assignment carries the same instant."""

    def __init__(self, when: datetime) -> None:
        self._when = when

    def now(self) -> datetime:
        return self._when


async def dispatch_to_on_call(session: AsyncSession, work_order: WorkOrder) -> None:
    if not rules.dispatches_to_on_call(
        type=work_order.type,
        priority=work_order.priority,
        status=work_order.status,
        has_assignees=bool(work_order.assignee_ids),
    ):
        return
    asset = await session.get(Asset, work_order.asset_id)
    area_id = rules.area_of(asset.path) if asset is not None else None
    at = work_order.created_at
    user_id = await services.who_is_on_call(session, work_order.site_id, area_id, at)
    if user_id is None:
        log.info("nobody is on call for %s; it stays open", work_order.number)
        return
    try:
        await maintenance.assign(
            session, maintenance.system_actor([work_order.site_id]), work_order.id, [user_id], _At(at)
        )
    except DomainError as exc:
        log.warning("could not give %s to the on-call user %s: %s", work_order.number, user_id, exc.detail)


if dispatch_to_on_call not in events.on_created:
    events.on_created.append(dispatch_to_on_call)
