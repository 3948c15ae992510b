"""Demo shift calendar: both demo sites work three eight-hour shifts every day, each with a
half-hour break, so the OEE view always has a current shift."""

from __future__ import annotations

from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.oee.models import ShiftPattern
from backend.domain.people.models import Site

ORDER = 50

SHIFTS = (("Early", time(6, 0)), ("Late", time(14, 0)), ("Night", time(22, 0)))


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    for site in sites_by_code.values():
        for name, start in SHIFTS:
            session.add(
                ShiftPattern(
                    site_id=site.id,
                    name=name,
                    weekdays=list(range(7)),
                    start_time=start,
                    hours=8.0,
                    breaks=[[240.0, 30.0]],
                )
            )
    await session.flush()
