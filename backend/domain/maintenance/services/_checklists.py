"""Checklist templates per asset class, their copies on work orders, and the answers to them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    WorkOrder,
    WorkOrderAttachment,
    WorkOrderChecklistItem,
)
from backend.domain.maintenance.rules import (
    EXECUTABLE,
    Status,
    check_item_definition,
    is_answered,
    parse_answer,
)
from backend.domain.maintenance.schemas import (
    ChecklistItemAdd,
    ChecklistTemplateCreate,
    ChecklistTemplateUpdate,
    TemplateItemIn,
)
from backend.domain.maintenance.services._common import flush, get_work_order, user_ref
from backend.domain.people.roles import MAINTENANCE_ROLES, PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed

ANY_CLASS = "*"


def _template_items(site_id: uuid.UUID, items: Sequence[TemplateItemIn]) -> list[ChecklistTemplateItem]:
    rows = []
    for i, item in enumerate(items):
        check_item_definition(item.kind, item.unit, item.lower_limit, item.upper_limit, f"items[{i}]")
        rows.append(
            ChecklistTemplateItem(
                site_id=site_id,
                position=i + 1,
                kind=item.kind.value,
                label=item.label,
                required=item.required,
                unit=item.unit,
                lower_limit=item.lower_limit,
                upper_limit=item.upper_limit,
            )
        )
    return rows


async def _name_taken(
    session: AsyncSession, site_id: uuid.UUID, asset_class: str, name: str, exclude: uuid.UUID | None = None
) -> bool:
    stmt = select(ChecklistTemplate.id).where(
        ChecklistTemplate.site_id == site_id,
        ChecklistTemplate.asset_class == asset_class,
        ChecklistTemplate.name == name,
    )
    if exclude is not None:
        stmt = stmt.where(ChecklistTemplate.id != exclude)
    return (await session.execute(stmt)).first() is not None


async def create_template(
    session: AsyncSession, actor: Actor, data: ChecklistTemplateCreate
) -> ChecklistTemplate:
    actor.require_role(PLANNING_ROLES, "create checklist templates")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    if await _name_taken(session, data.site_id, data.asset_class, data.name):
        raise ValidationFailed("name", f"a template {data.name!r} exists for this asset class")
    template = ChecklistTemplate(site_id=data.site_id, asset_class=data.asset_class, name=data.name)
    template.items = _template_items(data.site_id, data.items)
    session.add(template)
    await flush(session)
    return template


async def get_template(session: AsyncSession, template_id: uuid.UUID) -> ChecklistTemplate:
    stmt = select(ChecklistTemplate).where(ChecklistTemplate.id == template_id)
    template = (await session.execute(stmt)).scalar_one_or_none()
    if template is None:
        raise NotFound("checklist template not found")
    return template


async def list_templates(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    asset_class: str | None = None,
    include_inactive: bool = False,
) -> list[ChecklistTemplate]:
    stmt = select(ChecklistTemplate)
    if site_id is not None:
        stmt = stmt.where(ChecklistTemplate.site_id == site_id)
    if asset_class is not None:
        stmt = stmt.where(ChecklistTemplate.asset_class.in_([asset_class, ANY_CLASS]))
    if not include_inactive:
        stmt = stmt.where(ChecklistTemplate.active.is_(True))
    stmt = stmt.order_by(ChecklistTemplate.asset_class, ChecklistTemplate.name)
    return list((await session.execute(stmt)).scalars())


async def update_template(
    session: AsyncSession, actor: Actor, template_id: uuid.UUID, data: ChecklistTemplateUpdate
) -> ChecklistTemplate:
    """Edits apply to work orders created afterwards; existing work orders keep their copies."""
    template = await get_template(session, template_id)
    actor.require_role(PLANNING_ROLES, "edit checklist templates")
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "name" in changes and await _name_taken(
        session, template.site_id, template.asset_class, changes["name"], exclude=template.id
    ):
        raise ValidationFailed("name", f"a template {changes['name']!r} exists for this asset class")
    if "items" in changes:
        template.items = _template_items(template.site_id, changes.pop("items"))
    for key, value in changes.items():
        setattr(template, key, value)
    await flush(session)
    return template


async def template_for(session: AsyncSession, template_id: uuid.UUID, asset: Asset) -> ChecklistTemplate:
    """An active template of the asset's site and class (or of every class)."""
    try:
        template = await get_template(session, template_id)
    except NotFound:
        raise ValidationFailed("checklist_template_id", "no such checklist template") from None
    if template.site_id != asset.site_id:
        raise ValidationFailed("checklist_template_id", "the template belongs to another site")
    if not template.active:
        raise ValidationFailed("checklist_template_id", "the template is inactive")
    if template.asset_class not in {ANY_CLASS, asset.asset_class}:
        raise ValidationFailed(
            "checklist_template_id",
            f"the template is for asset class {template.asset_class!r}, the asset is {asset.asset_class!r}",
        )
    return template


def instantiate(work_order: WorkOrder, template: ChecklistTemplate) -> list[WorkOrderChecklistItem]:
    return [
        WorkOrderChecklistItem(
            site_id=work_order.site_id,
            work_order_id=work_order.id,
            template_item_id=item.id,
            position=item.position,
            kind=item.kind,
            label=item.label,
            required=item.required,
            unit=item.unit,
            lower_limit=item.lower_limit,
            upper_limit=item.upper_limit,
            out_of_limits=False,
        )
        for item in template.items
    ]


async def checklist_of(session: AsyncSession, wo_id: uuid.UUID) -> list[WorkOrderChecklistItem]:
    stmt = (
        select(WorkOrderChecklistItem)
        .where(WorkOrderChecklistItem.work_order_id == wo_id)
        .order_by(WorkOrderChecklistItem.position, WorkOrderChecklistItem.id)
    )
    return list((await session.execute(stmt)).scalars())


async def missing_required(session: AsyncSession, wo_id: uuid.UUID) -> list[WorkOrderChecklistItem]:
    return [
        item
        for item in await checklist_of(session, wo_id)
        if item.required and not is_answered(item.kind, item.value_bool, item.value_number, item.value_text)
    ]


def _require_open_checklist(wo: WorkOrder) -> None:
    if Status(wo.status) not in EXECUTABLE:
        raise Conflict(f"the checklist of a work order in status '{wo.status}' cannot change")


async def add_item(
    session: AsyncSession, actor: Actor, wo_id: uuid.UUID, data: ChecklistItemAdd
) -> WorkOrderChecklistItem:
    """An extra item on one work order (the id may come from an offline client)."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(MAINTENANCE_ROLES, "add checklist items")
    _require_open_checklist(wo)
    check_item_definition(data.kind, data.unit, data.lower_limit, data.upper_limit, "item")
    if data.id is not None:
        exists = select(WorkOrderChecklistItem.id).where(WorkOrderChecklistItem.id == data.id)
        if (await session.execute(exists.execution_options(skip_site_scope=True))).first() is not None:
            raise Conflict("a checklist item with this id exists")
    last = await session.scalar(
        select(func.max(WorkOrderChecklistItem.position)).where(WorkOrderChecklistItem.work_order_id == wo.id)
    )
    item = WorkOrderChecklistItem(
        site_id=wo.site_id,
        work_order_id=wo.id,
        position=int(last or 0) + 1,
        kind=data.kind.value,
        label=data.label,
        required=data.required,
        unit=data.unit,
        lower_limit=data.lower_limit,
        upper_limit=data.upper_limit,
        out_of_limits=False,
    )
    if data.id is not None:
        item.id = data.id
    session.add(item)
    await flush(session)
    return item


async def _item_of(session: AsyncSession, wo: WorkOrder, item_id: uuid.UUID) -> WorkOrderChecklistItem:
    stmt = select(WorkOrderChecklistItem).where(
        WorkOrderChecklistItem.id == item_id, WorkOrderChecklistItem.work_order_id == wo.id
    )
    item = (await session.execute(stmt)).scalar_one_or_none()
    if item is None:
        raise NotFound("checklist item not found on this work order")
    return item


async def answer_item(
    session: AsyncSession,
    actor: Actor,
    wo_id: uuid.UUID,
    item_id: uuid.UUID,
    value: bool | float | str | None,
    clock: Clock,
) -> WorkOrderChecklistItem:
    """Record (or, with None, clear) an answer; out-of-limit values are flagged when entered."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(MAINTENANCE_ROLES, "fill in checklists")
    _require_open_checklist(wo)
    item = await _item_of(session, wo, item_id)
    answer = parse_answer(item.kind, value, item.lower_limit, item.upper_limit)
    if answer.value_text is not None and item.kind == "photo_required":
        stmt = select(WorkOrderAttachment.id).where(
            WorkOrderAttachment.id == uuid.UUID(answer.value_text), WorkOrderAttachment.work_order_id == wo.id
        )
        if (await session.execute(stmt)).first() is None:
            raise ValidationFailed("value", "no such attachment on this work order")
    apply_answer(item, answer.value_bool, answer.value_number, answer.value_text, answer.out_of_limits)
    answered = value is not None
    item.answered_at = clock.now() if answered else None
    item.answered_by = user_ref(actor) if answered else None
    await flush(session)
    return item


def apply_answer(
    item: WorkOrderChecklistItem,
    value_bool: bool | None,
    value_number: float | None,
    value_text: str | None,
    flagged: bool,
) -> None:
    item.value_bool = value_bool
    item.value_number = value_number
    item.value_text = value_text
    item.out_of_limits = flagged
