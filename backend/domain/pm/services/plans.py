"""PM plans: create, edit, pause, resume, delete, list; which assets a plan covers."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance.models import ChecklistTemplate
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.pm.models import PmConditionState, PmOccurrence, PmPlan
from backend.domain.pm.rules import IntervalUnit, PlanKind, Schedule, minimum_interval
from backend.domain.pm.schemas import PlanCreate, PlanUpdate
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, IllegalTransition, NotFound, ValidationFailed

ANY_CLASS = "*"
KIND_FIELDS: dict[PlanKind, tuple[str, ...]] = {
    PlanKind.CALENDAR: ("every", "unit", "schedule", "starts_at", "lead_days"),
    PlanKind.METER: ("meter", "meter_interval", "meter_lead", "meter_start", "due_in_days"),
    PlanKind.CONDITION: ("signal", "operator", "threshold", "duration_s", "due_in_days"),
}
REQUIRED: dict[PlanKind, tuple[str, ...]] = {
    PlanKind.CALENDAR: ("every", "unit", "starts_at"),
    PlanKind.METER: ("meter", "meter_interval"),
    PlanKind.CONDITION: ("signal", "operator", "threshold"),
}
_DEFAULTS: dict[str, Any] = {"lead_days": 0, "due_in_days": 0, "meter_lead": 0.0}
CONDITION_RULE = frozenset({"operator", "threshold", "duration_s"})


def _check_kind_fields(kind: PlanKind, values: dict[str, Any], *, complete: bool) -> None:
    """Fields of other kinds are refused; with `complete`, the kind's required ones must be set."""
    for name, value in values.items():
        owners = [k.value for k in PlanKind if name in KIND_FIELDS[k]]
        if owners and kind.value not in owners and value not in (None, _DEFAULTS.get(name)):
            raise ValidationFailed(name, f"only for {' and '.join(owners)} plans; this is a {kind} plan")
    if complete:
        for name in REQUIRED[kind]:
            if values.get(name) is None:
                raise ValidationFailed(name, f"required for a {kind} plan")


def check_plan(plan: PmPlan) -> None:
    """Rules across fields, checked after every create and edit."""
    if plan.kind == PlanKind.CALENDAR:
        assert plan.every is not None
        assert plan.unit is not None
        shortest = minimum_interval(plan.every, IntervalUnit(plan.unit))
        if plan.lead_days >= shortest.days:
            raise ValidationFailed(
                "lead_days", f"must be shorter than the interval ({shortest.days} days at the least)"
            )
    elif plan.kind == PlanKind.METER:
        assert plan.meter_interval is not None
        if plan.meter_lead >= plan.meter_interval:
            raise ValidationFailed("meter_lead", "must be smaller than meter_interval")


async def _asset(session: AsyncSession, actor: Actor, asset_id: uuid.UUID, field: str) -> Asset:
    asset = await session.scalar(select(Asset).where(Asset.id == asset_id))
    if asset is None or not actor.can_see_site(asset.site_id):
        raise ValidationFailed(field, "no such asset")
    if asset.retired_at is not None:
        raise ValidationFailed(field, "the asset is retired")
    return asset


async def _check_template(
    session: AsyncSession, template_id: uuid.UUID | None, site_id: uuid.UUID, asset_class: str | None
) -> None:
    if template_id is None:
        return
    template = await session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.id == template_id))
    field = "checklist_template_id"
    if template is None or template.site_id != site_id:
        raise ValidationFailed(field, "no such checklist template on the plan's site")
    if not template.active:
        raise ValidationFailed(field, "the template is inactive")
    if template.asset_class not in {ANY_CLASS, asset_class}:
        raise ValidationFailed(
            field, f"the template is for asset class {template.asset_class!r}, the plan's is {asset_class!r}"
        )


async def _target(session: AsyncSession, actor: Actor, data: PlanCreate) -> tuple[uuid.UUID, str | None]:
    """The plan's site and asset class, from its asset or its class and subtree."""
    if data.asset_id is not None:
        if data.asset_class is not None or data.under_asset_id is not None:
            raise ValidationFailed(
                "asset_class", "give asset_id, or asset_class (with under_asset_id), not both"
            )
        asset = await _asset(session, actor, data.asset_id, "asset_id")
        site_id, asset_class = asset.site_id, asset.asset_class
    elif data.asset_class is not None:
        if data.under_asset_id is not None:
            site_id = (await _asset(session, actor, data.under_asset_id, "under_asset_id")).site_id
        elif data.site_id is not None:
            if not actor.can_see_site(data.site_id):
                raise ValidationFailed("site_id", "no such site")
            site_id = data.site_id
        else:
            raise ValidationFailed("site_id", "a class plan needs under_asset_id or site_id")
        asset_class = data.asset_class
    else:
        raise ValidationFailed(
            "asset_id", "a plan needs asset_id, or asset_class (with under_asset_id or site_id)"
        )
    if data.site_id is not None and data.site_id != site_id:
        raise ValidationFailed("site_id", "the plan's assets belong to another site")
    return site_id, asset_class


async def create_plan(session: AsyncSession, actor: Actor, data: PlanCreate, clock: Clock) -> PmPlan:
    actor.require_role(PLANNING_ROLES, "manage PM plans")
    values = msgspec.structs.asdict(data)
    _check_kind_fields(data.kind, values, complete=True)
    site_id, asset_class = await _target(session, actor, data)
    await _check_template(session, data.checklist_template_id, site_id, asset_class)
    now = clock.now()
    plan = PmPlan(
        site_id=site_id,
        name=data.name,
        description=data.description,
        kind=data.kind.value,
        asset_id=data.asset_id,
        asset_class=data.asset_class,
        under_asset_id=data.under_asset_id,
        checklist_template_id=data.checklist_template_id,
        priority=data.priority.value,
        estimated_hours=data.estimated_hours,
        every=data.every,
        unit=data.unit.value if data.unit else None,
        schedule=(data.schedule or Schedule.FIXED).value if data.kind is PlanKind.CALENDAR else None,
        starts_at=data.starts_at,
        meter=data.meter,
        meter_interval=data.meter_interval,
        meter_lead=data.meter_lead or 0.0,
        meter_start=data.meter_start,
        signal=data.signal,
        operator=data.operator.value if data.operator else None,
        threshold=data.threshold,
        duration_s=(data.duration_s or 0) if data.kind is PlanKind.CONDITION else None,
        lead_days=data.lead_days,
        grace_days=data.grace_days,
        due_in_days=data.due_in_days,
        active=True,
        effective_from=now,
        created_at=now,
        updated_at=now,
    )
    check_plan(plan)
    session.add(plan)
    await session.flush()
    return plan


async def get_plan(session: AsyncSession, plan_id: uuid.UUID) -> PmPlan:
    plan = await session.scalar(select(PmPlan).where(PmPlan.id == plan_id))
    if plan is None:
        raise NotFound("PM plan not found")
    return plan


async def update_plan(
    session: AsyncSession, actor: Actor, plan_id: uuid.UUID, data: PlanUpdate, clock: Clock
) -> PmPlan:
    actor.require_role(PLANNING_ROLES, "manage PM plans")
    plan = await get_plan(session, plan_id)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    kind = PlanKind(plan.kind)
    _check_kind_fields(kind, changes, complete=False)
    if "checklist_template_id" in changes:
        asset_class = plan.asset_class
        if plan.asset_id is not None:
            asset = await session.get(Asset, plan.asset_id)
            asset_class = asset.asset_class if asset is not None else None
        await _check_template(session, changes["checklist_template_id"], plan.site_id, asset_class)
    for key, value in changes.items():
        setattr(plan, key, value.value if hasattr(value, "value") else value)
    check_plan(plan)
    if kind is PlanKind.CONDITION and CONDITION_RULE & changes.keys():
        await session.execute(delete(PmConditionState).where(PmConditionState.plan_id == plan.id))
    plan.updated_at = clock.now()
    await session.flush()
    return plan


async def pause_plan(session: AsyncSession, actor: Actor, plan_id: uuid.UUID, clock: Clock) -> PmPlan:
    """A paused plan generates nothing and its condition rules stop listening."""
    actor.require_role(PLANNING_ROLES, "manage PM plans")
    plan = await get_plan(session, plan_id)
    if not plan.active:
        raise IllegalTransition("PM plan", "paused", "paused")
    plan.active, plan.paused_at, plan.updated_at = False, clock.now(), clock.now()
    await session.flush()
    return plan


async def resume_plan(session: AsyncSession, actor: Actor, plan_id: uuid.UUID, clock: Clock) -> PmPlan:
    """Calendar occurrences that fell due while paused are not generated; condition episodes
    start afresh; meter usage run up while paused still counts."""
    actor.require_role(PLANNING_ROLES, "manage PM plans")
    plan = await get_plan(session, plan_id)
    if plan.active:
        raise IllegalTransition("PM plan", "active", "active")
    plan.active, plan.paused_at, plan.effective_from, plan.updated_at = True, None, clock.now(), clock.now()
    await session.execute(delete(PmConditionState).where(PmConditionState.plan_id == plan.id))
    await session.flush()
    return plan


async def delete_plan(session: AsyncSession, actor: Actor, plan_id: uuid.UUID) -> None:
    """Only a plan that never had an occurrence can go; otherwise pause it to keep its history."""
    actor.require_role(PLANNING_ROLES, "manage PM plans")
    plan = await get_plan(session, plan_id)
    used = await session.scalar(select(func.count()).where(PmOccurrence.plan_id == plan.id))
    if used:
        raise Conflict("the plan has occurrences; pause it instead of deleting it")
    await session.delete(plan)
    await session.flush()


async def list_plans(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    kind: PlanKind | None = None,
    active: bool | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[PmPlan]:
    """Plans in scope; with `asset_id`, every plan that covers that asset (directly or by class)."""
    stmt = select(PmPlan)
    if site_id is not None:
        stmt = stmt.where(PmPlan.site_id == site_id)
    if asset_id is not None:
        asset = await session.scalar(select(Asset).where(Asset.id == asset_id))
        if asset is None:
            raise NotFound("asset not found")
        stmt = stmt.where(_covers(asset))
    if kind is not None:
        stmt = stmt.where(PmPlan.kind == kind.value)
    if active is not None:
        stmt = stmt.where(PmPlan.active.is_(active))
    rows = await session.execute(stmt.order_by(PmPlan.created_at, PmPlan.id).limit(limit).offset(offset))
    return list(rows.scalars())


def _covers(asset: Asset) -> Any:
    """SQL: the plan applies to `asset` (its own plan, or a class plan whose subtree holds it)."""
    ancestors = [p for p in asset.path.split("/") if p]
    return or_(
        PmPlan.asset_id == asset.id,
        and_(
            PmPlan.asset_id.is_(None),
            PmPlan.site_id == asset.site_id,
            PmPlan.asset_class == asset.asset_class,
            or_(
                PmPlan.under_asset_id.is_(None), PmPlan.under_asset_id.in_([uuid.UUID(a) for a in ancestors])
            ),
        ),
    )


async def plan_assets(session: AsyncSession, plan: PmPlan) -> list[Asset]:
    """The assets a plan covers today (retired assets leave every plan)."""
    if plan.asset_id is not None:
        asset = await session.get(Asset, plan.asset_id)
        return [asset] if asset is not None and asset.retired_at is None else []
    stmt = select(Asset).where(
        Asset.site_id == plan.site_id, Asset.asset_class == plan.asset_class, Asset.retired_at.is_(None)
    )
    if plan.under_asset_id is not None:
        root = await session.get(Asset, plan.under_asset_id)
        if root is None or root.retired_at is not None:
            return []
        stmt = stmt.where(Asset.path.startswith(root.path, autoescape=True))
    return list((await session.execute(stmt.order_by(Asset.path))).scalars())


def covers(plan: PmPlan, asset: Asset) -> bool:
    """`_covers` for a plan already loaded: the same rule, without a query."""
    if plan.asset_id is not None:
        return plan.asset_id == asset.id
    if plan.site_id != asset.site_id or plan.asset_class != asset.asset_class:
        return False
    return plan.under_asset_id is None or str(plan.under_asset_id) in asset.path.split("/")


async def plans_covering(session: AsyncSession, asset: Asset, kind: PlanKind) -> list[PmPlan]:
    stmt = select(PmPlan).where(PmPlan.active.is_(True), PmPlan.kind == kind.value, _covers(asset))
    return list((await session.execute(stmt.order_by(PmPlan.id))).scalars())
