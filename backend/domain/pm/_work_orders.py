"""The PM side of work orders: making an occurrence's work order, and reading their states."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.models import ChecklistTemplate, WorkOrder
from backend.domain.maintenance.rules import CLOSED, Priority, Status, WorkOrderType
from backend.domain.maintenance.schemas import WorkOrderCreate
from backend.domain.pm.models import PmOccurrence, PmPlan
from backend.domain.pm.rules import PlanKind
from backend.lib.clock import Clock

log = logging.getLogger("gemba.pm")
NOT_OPEN = frozenset({*CLOSED, Status.CANCELLED, Status.REJECTED})
ANY_CLASS = "*"


async def _usable_template(session: AsyncSession, plan: PmPlan, asset: Asset) -> uuid.UUID | None:
    """The plan's checklist template when it still applies to this asset; else the work order
    is made without a checklist (and says why) rather than not at all."""
    if plan.checklist_template_id is None:
        return None
    template = await session.get(ChecklistTemplate, plan.checklist_template_id)
    if (
        template is not None
        and template.active
        and template.site_id == asset.site_id
        and template.asset_class in {ANY_CLASS, asset.asset_class}
    ):
        return template.id
    log.warning(
        "PM plan %s: checklist template %s does not apply to asset %s",
        plan.id,
        plan.checklist_template_id,
        asset.code,
    )
    return None


def _description(plan: PmPlan, occurrence: PmOccurrence, template_dropped: bool) -> str:
    parts = [plan.description] if plan.description else []
    if plan.kind == PlanKind.METER and occurrence.meter_due is not None:
        parts.append(f"Meter '{plan.meter}' reached {occurrence.meter_due:g}.")
    if plan.kind == PlanKind.CONDITION and occurrence.episode_start is not None:
        parts.append(
            f"Condition {plan.signal} {plan.operator} {plan.threshold:g} held since "
            f"{occurrence.episode_start.isoformat()}."
        )
    if template_dropped:
        parts.append("The plan's checklist template no longer applies to this asset; no checklist attached.")
    return "\n\n".join(parts)


async def create_for(
    session: AsyncSession, plan: PmPlan, asset: Asset, occurrence: PmOccurrence, clock: Clock
) -> WorkOrder:
    """The occurrence's work order, made by the system actor through the maintenance service;
    (plan, occurrence key) is unique there too."""
    template_id = await _usable_template(session, plan, asset)
    data = WorkOrderCreate(
        asset_id=asset.id,
        title=plan.name,
        description=_description(
            plan, occurrence, plan.checklist_template_id is not None and template_id is None
        ),
        type=WorkOrderType.CONDITION_BASED if plan.kind == PlanKind.CONDITION else WorkOrderType.PREVENTIVE,
        priority=Priority(plan.priority),
        due_at=occurrence.due_at,
        estimated_hours=plan.estimated_hours,
        checklist_template_id=template_id,
        pm_plan_id=plan.id,
        pm_occurrence_key=occurrence.key,
    )
    return await maintenance.create_work_order(
        session, maintenance.system_actor([asset.site_id]), data, clock
    )


async def has_open_work_order(session: AsyncSession, plan_id: uuid.UUID, asset_id: uuid.UUID) -> bool:
    stmt = (
        select(WorkOrder.id)
        .where(
            WorkOrder.pm_plan_id == plan_id,
            WorkOrder.asset_id == asset_id,
            WorkOrder.status.not_in([s.value for s in NOT_OPEN]),
        )
        .limit(1)
    )
    return (await session.execute(stmt)).first() is not None


async def work_order_of(session: AsyncSession, work_order_id: uuid.UUID | None) -> WorkOrder | None:
    return None if work_order_id is None else await session.get(WorkOrder, work_order_id)
