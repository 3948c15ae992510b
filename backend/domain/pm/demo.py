"""Demo PM plans: calendar, meter and condition plans on both demo sites, with meter history."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance.models import ChecklistTemplate
from backend.domain.meters.services import record_meter_reading
from backend.domain.people.models import Site
from backend.domain.people.roles import Actor, Role
from backend.domain.pm import services
from backend.domain.pm.schemas import PlanCreate
from backend.lib.clock import FixedClock, SystemClock

ORDER = 40


async def _template(session: AsyncSession, site: Site, asset_class: str) -> uuid.UUID | None:
    stmt = (
        select(ChecklistTemplate.id)
        .where(
            ChecklistTemplate.site_id == site.id,
            ChecklistTemplate.active.is_(True),
            ChecklistTemplate.asset_class.in_([asset_class, "*"]),
        )
        .order_by(ChecklistTemplate.asset_class.desc(), ChecklistTemplate.name)
        .limit(1)
    )
    return await session.scalar(stmt)


async def _asset(session: AsyncSession, site: Site, code: str) -> Asset | None:
    return await session.scalar(select(Asset).where(Asset.site_id == site.id, Asset.code == code))


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    north, south = sites_by_code.get("NORTH"), sites_by_code.get("SOUTH")
    if north is None or south is None:
        return
    actor = Actor(
        user_id=uuid.UUID(int=0),
        username="seed",
        role=Role.ADMIN,
        site_ids=frozenset(s.id for s in sites_by_code.values()),
    )
    now = SystemClock().now()
    today = datetime(now.year, now.month, now.day, 6, 0, tzinfo=now.tzinfo)
    clock = FixedClock(now)

    async def plan(site: Site, template_class: str, **fields: Any) -> None:
        fields.setdefault("checklist_template_id", await _template(session, site, template_class))
        await services.create_plan(session, actor, msgspec.convert(fields, PlanCreate), clock)

    lathe = await _asset(session, north, "N-LAT-01")
    if lathe is not None:
        for days_ago, hours in ((14, 4000.0), (7, 4240.0), (1, 4480.0)):
            await record_meter_reading(
                session, actor, lathe.id, "run_hours", hours, now - timedelta(days=days_ago), "manual"
            )
        await plan(
            north,
            "cnc-lathe",
            name="Lathe service every 250 run-hours",
            kind="meter",
            asset_id=lathe.id,
            meter="run_hours",
            meter_interval=250.0,
            meter_start=4250.0,
            due_in_days=3,
            grace_days=2,
            estimated_hours=2.0,
        )
    await plan(
        north,
        "cnc-mill",
        name="Monthly lubrication of the CNC mills",
        kind="calendar",
        site_id=north.id,
        asset_class="cnc-mill",
        every=1,
        unit="month",
        schedule="fixed",
        starts_at=today + timedelta(days=2),
        lead_days=3,
        grace_days=2,
        estimated_hours=0.5,
    )
    press = await _asset(session, north, "N-PRS-01")
    if press is not None:
        await plan(
            north,
            "press",
            name="Weekly press safety inspection",
            kind="calendar",
            asset_id=press.id,
            every=1,
            unit="week",
            schedule="floating",
            starts_at=today + timedelta(days=5),
            lead_days=1,
            grace_days=1,
            priority="high",
        )
    extruder = await _asset(session, south, "S-EXT-01")
    if extruder is not None:
        await plan(
            south,
            "extruder",
            name="Extruder vibration over 7.1 mm/s for 10 minutes",
            kind="condition",
            asset_id=extruder.id,
            signal="vibration",
            operator=">",
            threshold=7.1,
            duration_s=600,
            due_in_days=1,
            priority="high",
        )
    await plan(
        south,
        "injection-moulder",
        name="Quarterly heater band check",
        kind="calendar",
        site_id=south.id,
        asset_class="injection-moulder",
        every=3,
        unit="month",
        schedule="fixed",
        starts_at=today + timedelta(days=10),
        lead_days=14,
        grace_days=7,
    )
