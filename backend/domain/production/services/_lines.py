"""Production-side settings of a line: how its counts arrive (manual or machine)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.production.models import LineSettings
from backend.domain.production.schemas import LineSettingsIn, LineSettingsOut
from backend.domain.production.services._common import counting_mode, get_line


async def line_settings(session: AsyncSession, line_id: uuid.UUID) -> LineSettingsOut:
    line = await get_line(session, line_id)
    return LineSettingsOut(line_id=line.id, counting_mode=(await counting_mode(session, line.id)).value)


async def set_line_settings(
    session: AsyncSession, actor: Actor, line_id: uuid.UUID, data: LineSettingsIn
) -> LineSettingsOut:
    actor.require_role(PLANNING_ROLES, "configure lines")
    line = await get_line(session, line_id)
    row = await session.get(LineSettings, line.id)
    if row is None:
        row = LineSettings(line_id=line.id, site_id=line.site_id, counting_mode=data.counting_mode.value)
        session.add(row)
    else:
        row.counting_mode = data.counting_mode.value
    await session.flush()
    return LineSettingsOut(line_id=line.id, counting_mode=row.counting_mode)
