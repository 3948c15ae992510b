"""Demo on-call rota: on every site its technicians take turns a week at a time, for a year."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.oncall import services
from backend.domain.oncall.schemas import OnCallCreate
from backend.domain.people.models import Site, User, UserSite
from backend.domain.people.roles import Actor, Role
from backend.lib.clock import SystemClock

ORDER = 20
WEEKS = 52


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    sites = list(sites_by_code.values())
    actor = Actor(
        user_id=uuid.UUID(int=0), username="seed", role=Role.ADMIN, site_ids=frozenset(s.id for s in sites)
    )
    now = SystemClock().now()
    start = datetime(now.year, now.month, now.day, tzinfo=now.tzinfo) - timedelta(days=1)
    for site in sites:
        rows = await session.execute(
            select(User.id)
            .join(UserSite, UserSite.user_id == User.id)
            .where(UserSite.site_id == site.id, User.role == Role.TECHNICIAN.value, User.active.is_(True))
            .order_by(User.username)
        )
        technicians = list(rows.scalars())
        for week in range(WEEKS if technicians else 0):
            await services.add_shift(
                session,
                actor,
                OnCallCreate(
                    site_id=site.id,
                    user_id=technicians[week % len(technicians)],
                    starts_at=start + timedelta(weeks=week),
                    ends_at=start + timedelta(weeks=week + 1),
                    note="demo rota",
                ),
            )
