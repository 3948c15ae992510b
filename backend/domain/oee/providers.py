"""Where OEE gets counts and ideal cycle times: machine counters by default; production plugs in
manual count ledgers and the running order's routing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines.models import CountDelta, MachineSettings

# (session, machine id, start, end) -> (good, scrap) or None when the provider has no opinion.
CountProvider = Callable[[AsyncSession, uuid.UUID, datetime, datetime], Awaitable[tuple[int, int] | None]]
# (session, machine id, at) -> seconds per unit or None.
IdealCycleProvider = Callable[[AsyncSession, uuid.UUID, datetime], Awaitable[float | None]]

count_providers: list[CountProvider] = []
ideal_cycle_providers: list[IdealCycleProvider] = []


async def machine_counts(
    session: AsyncSession, asset_id: uuid.UUID, start: datetime, end: datetime
) -> tuple[int, int]:
    for provider in count_providers:
        found = await provider(session, asset_id, start, end)
        if found is not None:
            return found
    rows = await session.execute(
        select(CountDelta.role, func.coalesce(func.sum(CountDelta.delta), 0))
        .where(CountDelta.asset_id == asset_id, CountDelta.at >= start, CountDelta.at < end)
        .where(CountDelta.role.in_(("good_count", "scrap_count")))
        .group_by(CountDelta.role)
    )
    sums = {role: int(total) for role, total in rows.all()}
    return sums.get("good_count", 0), sums.get("scrap_count", 0)


async def ideal_cycle(session: AsyncSession, asset_id: uuid.UUID, at: datetime) -> tuple[float | None, str]:
    """The ideal cycle time and where it came from (shown next to the figure)."""
    for provider in ideal_cycle_providers:
        found = await provider(session, asset_id, at)
        if found:
            return found, "running order's routing"
    default = await session.scalar(
        select(MachineSettings.ideal_cycle_s).where(MachineSettings.asset_id == asset_id)
    )
    return (default, "machine default") if default else (None, "none configured")
