"""Demo maintenance data: checklist templates, failure codes and a dozen work orders on both sites."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.services import get_by_code
from backend.domain.maintenance import services
from backend.domain.maintenance._demo_catalogue import CODES, SITE_CLASSES, TEMPLATES
from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.schemas import (
    ChecklistTemplateCreate,
    FailureCodeCreate,
    FailureCodesSet,
    LaborAdd,
    WorkOrderCreate,
    WorkRequestCreate,
)
from backend.domain.people.models import Site, User
from backend.domain.people.roles import Actor, Role
from backend.lib.clock import FixedClock, SystemClock

ORDER = 20


@dataclass
class _Ctx:
    session: AsyncSession
    clock: FixedClock
    sites: dict[str, Site]
    users: dict[str, Actor]
    templates: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)
    codes: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)

    def at(self, when: datetime) -> FixedClock:
        self.clock.set(when)
        return self.clock


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=Role(user.role), site_ids=user.site_ids)


async def _catalogue(ctx: _Ctx) -> None:
    admin = services.system_actor(s.id for s in ctx.sites.values())
    for code, site in ctx.sites.items():
        for cls in SITE_CLASSES.get(code, ("*",)):
            name, items = TEMPLATES[cls]
            data = ChecklistTemplateCreate(site_id=site.id, asset_class=cls, name=name, items=items)
            ctx.templates[(code, cls)] = (await services.create_template(ctx.session, admin, data)).id
        for cls, kind, value, label in CODES:
            data_code = FailureCodeCreate(site_id=site.id, asset_class=cls, kind=kind, code=value, name=label)
            ctx.codes[(code, value)] = (await services.create_failure_code(ctx.session, admin, data_code)).id


async def _answer_all(ctx: _Ctx, actor: Actor, wo: WorkOrder, values: Sequence[object]) -> None:
    items = await services.checklist_of(ctx.session, wo.id)
    for item, value in zip(items, values, strict=False):
        if value is not None:
            await services.answer_item(ctx.session, actor, wo.id, item.id, value, ctx.clock)  # type: ignore[arg-type]


async def _job(
    ctx: _Ctx,
    site: str,
    asset_code: str,
    when: datetime,
    by: str,
    *,
    assignees: Sequence[str] = (),
    template: str | None = None,
    **fields: object,
) -> WorkOrder:
    asset = await get_by_code(ctx.session, ctx.sites[site].id, asset_code)
    data = WorkOrderCreate(
        asset_id=asset.id,
        assignee_ids=[ctx.users[u].user_id for u in assignees],
        checklist_template_id=ctx.templates[(site, template)] if template else None,
        **fields,  # type: ignore[arg-type]
    )
    return await services.create_work_order(ctx.session, ctx.users[by], data, ctx.at(when))


async def _close(
    ctx: _Ctx,
    wo: WorkOrder,
    tech: str,
    start: datetime,
    minutes: int,
    codes: tuple[str, str, str],
    answers: Sequence[object] = (),
) -> None:
    actor, site = ctx.users[tech], next(k for k, s in ctx.sites.items() if s.id == wo.site_id)
    await services.transition(ctx.session, actor, wo.id, "in_progress", ctx.at(start))
    await _answer_all(ctx, actor, wo, answers)
    end = start + timedelta(minutes=minutes)
    await services.add_labor(ctx.session, actor, wo.id, LaborAdd(started_at=start, ended_at=end), ctx.at(end))
    problem, cause, remedy = (ctx.codes[(site, c)] for c in codes)
    chosen = FailureCodesSet(problem_code_id=problem, cause_code_id=cause, remedy_code_id=remedy)
    await services.set_failure_codes(ctx.session, actor, wo.id, chosen, ctx.clock)
    await services.transition(ctx.session, actor, wo.id, "done", ctx.clock)


async def _north(ctx: _Ctx, now: datetime) -> None:
    day = timedelta(days=1)
    wo = await _job(
        ctx,
        "NORTH",
        "N-CNC-01",
        now - 6 * day,
        "planner.north",
        title="Spindle vibration above 4 mm/s",
        priority="high",
        template="cnc-mill",
        assignees=["tech.north"],
        estimated_hours=3.0,
    )
    await _close(
        ctx,
        wo,
        "tech.north",
        now - 6 * day + timedelta(minutes=40),
        150,
        ("SPINDLE-VIB", "WEAR", "REPLACED"),
        [True, 0.018, 4.6, "pass", 7.5, "Front bearing replaced"],
    )
    await services.transition(
        ctx.session, ctx.users["planner.north"], wo.id, "verified", ctx.at(now - 5 * day)
    )
    wo = await _job(
        ctx,
        "NORTH",
        "N-CNC-02",
        now - 3 * day,
        "planner.north",
        title="Tool changer misses pocket 12",
        assignees=["tech.north"],
        estimated_hours=2.0,
    )
    await _close(
        ctx,
        wo,
        "tech.north",
        now - 3 * day + timedelta(minutes=20),
        75,
        ("TOOL-CHANGE", "MISALIGNMENT", "ADJUSTED"),
    )
    await _job(
        ctx,
        "NORTH",
        "N-PRS-01",
        now - 2 * day,
        "planner.north",
        title="Monthly press-fit safety check",
        type="preventive",
        template="press",
        assignees=["tech.north"],
        due_at=now + 2 * day,
        estimated_hours=1.0,
    )
    wo = await _job(
        ctx,
        "NORTH",
        "N-LAT-01",
        now - timedelta(hours=2),
        "planner.north",
        title="Chuck does not clamp",
        priority="emergency",
        assignees=["tech.north"],
    )
    await services.transition(
        ctx.session, ctx.users["tech.north"], wo.id, "in_progress", ctx.at(now - timedelta(hours=1))
    )
    wo = await _job(
        ctx,
        "NORTH",
        "N-GRD-01",
        now - 2 * day,
        "planner.north",
        title="Wheel drive bearing noisy",
        priority="high",
        assignees=["tech.north"],
        estimated_hours=4.0,
    )
    await services.transition(
        ctx.session, ctx.users["tech.north"], wo.id, "in_progress", ctx.at(now - 2 * day + timedelta(hours=1))
    )
    await services.transition(
        ctx.session, ctx.users["tech.north"], wo.id, "on_hold", ctx.clock, "waiting_for_parts"
    )
    await services.add_comment(
        ctx.session, ctx.users["tech.north"], wo.id, "Bearing 6205-2RS ordered, ETA Thursday.", ctx.clock
    )
    asset = await get_by_code(ctx.session, ctx.sites["NORTH"].id, "N-PAK-01")
    request = WorkRequestCreate(
        asset_id=asset.id,
        title="Sealer leaves open seams",
        description="About one bag in twenty since the night shift.",
    )
    await services.raise_request(
        ctx.session, ctx.users["operator.north"], request, ctx.at(now - timedelta(hours=5))
    )
    await _job(
        ctx,
        "NORTH",
        "N-TST-01",
        now - day,
        "planner.north",
        title="Leak tester calibration check",
        type="inspection",
        priority="low",
        due_at=now + 5 * day,
        template="*",
    )
    wo = await _job(ctx, "NORTH", "N-DEB-01", now - 4 * day, "planner.north", title="Gripper sensor flickers")
    await services.transition(
        ctx.session,
        ctx.users["planner.north"],
        wo.id,
        "cancelled",
        ctx.at(now - 4 * day + timedelta(hours=1)),
        "Duplicate of the robot cell ticket",
    )


async def _south(ctx: _Ctx, now: datetime) -> None:
    day = timedelta(days=1)
    wo = await _job(
        ctx,
        "SOUTH",
        "S-IMM-01",
        now - 5 * day,
        "manager",
        title="Mould heater zone 3 not heating",
        priority="high",
        assignees=["tech.south"],
        estimated_hours=2.0,
    )
    await _close(
        ctx,
        wo,
        "tech.south",
        now - 5 * day + timedelta(minutes=30),
        110,
        ("HEATER", "ELECTRICAL", "REPLACED"),
    )
    await services.transition(ctx.session, ctx.users["manager"], wo.id, "verified", ctx.at(now - 4 * day))
    await _job(
        ctx,
        "SOUTH",
        "S-IMM-02",
        now - day,
        "manager",
        title="Monthly moulder PM",
        type="preventive",
        template="injection-moulder",
        assignees=["tech.south"],
        due_at=now + day,
        estimated_hours=3.0,
    )
    wo = await _job(
        ctx,
        "SOUTH",
        "S-EXT-01",
        now - timedelta(hours=6),
        "manager",
        title="Gearbox oil leak",
        priority="medium",
        assignees=["tech.south"],
        estimated_hours=2.5,
    )
    await services.transition(
        ctx.session, ctx.users["tech.south"], wo.id, "in_progress", ctx.at(now - timedelta(hours=3))
    )
    asset = await get_by_code(ctx.session, ctx.sites["SOUTH"].id, "S-CUT-01")
    request = WorkRequestCreate(asset_id=asset.id, title="Blade is dull")
    wo = await services.raise_request(
        ctx.session, ctx.users["operator.south"], request, ctx.at(now - 2 * day)
    )
    await services.transition(
        ctx.session,
        ctx.users["manager"],
        wo.id,
        "rejected",
        ctx.at(now - 2 * day + timedelta(hours=2)),
        "Blade changes are an operator task (see SOP-114)",
    )
    await _job(
        ctx,
        "SOUTH",
        "S-WND-01",
        now - timedelta(hours=1),
        "manager",
        title="Winder motor trips on start",
        priority="high",
    )


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    names = ("tech.north", "tech.south", "operator.north", "operator.south", "planner.north", "manager")
    rows = (await session.execute(select(User).where(User.username.in_(names)))).scalars()
    users = {u.username: _actor(u) for u in rows}
    now = SystemClock().now().replace(minute=0, second=0, microsecond=0)
    ctx = _Ctx(session=session, clock=FixedClock(now), sites=sites_by_code, users=users)
    await _catalogue(ctx)
    if {"NORTH", "SOUTH"} <= set(sites_by_code) and len(users) == len(names):
        await _north(ctx, now)
        await _south(ctx, now)
    await session.flush()
