"""Seeds the demo plant once (idempotent: does nothing when the demo enterprise exists)."""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.demo.plant import DEMO_PASSWORD, SITES, USERS
from backend.domain.assets import services as assets
from backend.domain.assets.rules import Level
from backend.domain.assets.schemas import AssetCreate
from backend.domain.people import services as people
from backend.domain.people.models import Enterprise, Site
from backend.domain.people.roles import Actor, Role
from backend.domain.people.schemas import UserCreate

DEMO_ENTERPRISE = "Gemba Demo Manufacturing"

# Each bounded context may ship `backend/domain/<area>/demo.py` with `ORDER: int` and
# `async def seed(session, sites_by_code)`; they run after the plant and users exist, by ORDER.
DemoStep = Callable[[AsyncSession, dict[str, Site]], Awaitable[None]]


def _context_steps() -> list[DemoStep]:
    import backend.domain

    found: list[tuple[int, str, DemoStep]] = []
    for info in pkgutil.iter_modules(backend.domain.__path__):
        name = f"backend.domain.{info.name}.demo"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found.append((int(getattr(module, "ORDER", 100)), info.name, module.seed))
    return [step for _order, _name, step in sorted(found, key=lambda t: (t[0], t[1]))]


async def seed_demo(session: AsyncSession) -> bool:
    """Returns True when it seeded, False when the demo plant was already there."""
    existing = await session.execute(select(Enterprise).where(Enterprise.name == DEMO_ENTERPRISE))
    if existing.first() is not None:
        return False
    enterprise = Enterprise(name=DEMO_ENTERPRISE)
    session.add(enterprise)
    await session.flush()
    sites: dict[str, Site] = {}
    for spec in SITES:
        site = Site(enterprise_id=enterprise.id, code=spec.code, name=spec.name, timezone=spec.timezone)
        session.add(site)
        sites[spec.code] = site
    await session.flush()
    builder = Actor(
        user_id=uuid.UUID(int=0),
        username="seed",
        role=Role.ADMIN,
        site_ids=frozenset(s.id for s in sites.values()),
    )
    for spec in SITES:
        site_id = sites[spec.code].id
        for area in spec.areas:
            a = await assets.create_asset(
                session,
                builder,
                AssetCreate(site_id=site_id, level=Level.AREA, code=area.code, name=area.name),
            )
            for line in area.lines:
                ln = await assets.create_asset(
                    session,
                    builder,
                    AssetCreate(
                        site_id=site_id, level=Level.LINE, code=line.code, name=line.name, parent_id=a.id
                    ),
                )
                for m in line.machines:
                    machine = await assets.create_asset(
                        session,
                        builder,
                        AssetCreate(
                            site_id=site_id,
                            level=Level.MACHINE,
                            code=m.code,
                            name=m.name,
                            parent_id=ln.id,
                            asset_class=m.asset_class,
                            manufacturer=m.manufacturer,
                            serial=f"SN-{m.code}",
                        ),
                    )
                    for i, comp in enumerate(m.components, start=1):
                        await assets.create_asset(
                            session,
                            builder,
                            AssetCreate(
                                site_id=site_id,
                                level=Level.COMPONENT,
                                code=f"{m.code}-C{i}",
                                name=comp.capitalize(),
                                parent_id=machine.id,
                                asset_class=comp.replace(" ", "-"),
                            ),
                        )
    for username, display, role, site_codes in USERS:
        await people.create_user(
            session,
            None,
            UserCreate(
                username=username,
                display_name=display,
                password=DEMO_PASSWORD,
                role=Role(role),
                site_ids=[sites[c].id for c in site_codes],
                hourly_rate=55.0 if role == "technician" else 0.0,
            ),
            is_demo=True,
        )
    for step in _context_steps():
        await step(session, sites)
    return True


def demo_logins() -> list[tuple[str, str, str, str]]:
    return [(u, DEMO_PASSWORD, role, ", ".join(codes)) for u, _d, role, codes in USERS]
