"""HTTP endpoints for collectors (registration, revocation) and machine facts."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, delete, get, post, put
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.services import get_asset
from backend.domain.machines import services
from backend.domain.machines.models import (
    Collector,
    CountDelta,
    MachineCurrent,
    MachineSettings,
    MachineStateChange,
)
from backend.domain.machines.schemas import (
    CollectorCreate,
    CollectorCreated,
    CollectorOut,
    CountDeltaOut,
    MachineSettingsIn,
    MachineSettingsOut,
    MachineStateOut,
    StateChangeOut,
)
from backend.domain.people.roles import ADMIN_ROLES, ASSET_EDIT_ROLES, Actor
from backend.lib.clock import Clock
from backend.web.auth import requires


class CollectorController(Controller):
    path = "/api/collectors"
    tags = ["machines"]
    guards = [requires(*ADMIN_ROLES)]

    @get("/")
    async def list_collectors(self, session: AsyncSession) -> list[CollectorOut]:
        rows = await session.execute(select(Collector).order_by(Collector.created_at))
        return [CollectorOut.of(c) for c in rows.scalars()]

    @post("/")
    async def create(self, session: AsyncSession, actor: Actor, data: CollectorCreate) -> CollectorCreated:
        collector, token = await services.create_collector(session, actor, data.site_id, data.name)
        return CollectorCreated(collector=CollectorOut.of(collector), token=token)

    @delete("/{collector_id:uuid}", status_code=200)
    async def revoke(
        self, session: AsyncSession, actor: Actor, clock: Clock, collector_id: uuid.UUID
    ) -> CollectorOut:
        return CollectorOut.of(await services.revoke_collector(session, actor, collector_id, clock))


class MachineController(Controller):
    path = "/api/machines"
    tags = ["machines"]

    @get("/states")
    async def states(self, session: AsyncSession, site_id: uuid.UUID | None = None) -> list[MachineStateOut]:
        stmt = select(MachineCurrent)
        if site_id is not None:
            stmt = stmt.where(MachineCurrent.site_id == site_id)
        return [MachineStateOut.of(r) for r in (await session.execute(stmt)).scalars()]

    @get("/{asset_id:uuid}/state-changes")
    async def state_changes(
        self,
        session: AsyncSession,
        asset_id: uuid.UUID,
        since: datetime | None = None,
        limit: int = Parameter(default=500, ge=1, le=5000),
    ) -> list[StateChangeOut]:
        await get_asset(session, asset_id)
        stmt = select(MachineStateChange).where(MachineStateChange.asset_id == asset_id)
        if since is not None:
            stmt = stmt.where(MachineStateChange.at >= since)
        rows = await session.execute(stmt.order_by(MachineStateChange.at.desc()).limit(limit))
        return [StateChangeOut.of(r) for r in reversed(list(rows.scalars()))]

    @get("/{asset_id:uuid}/counts")
    async def counts(
        self,
        session: AsyncSession,
        asset_id: uuid.UUID,
        since: datetime | None = None,
        limit: int = Parameter(default=500, ge=1, le=5000),
    ) -> list[CountDeltaOut]:
        await get_asset(session, asset_id)
        stmt = select(CountDelta).where(CountDelta.asset_id == asset_id)
        if since is not None:
            stmt = stmt.where(CountDelta.at >= since)
        rows = await session.execute(stmt.order_by(CountDelta.at.desc()).limit(limit))
        return [CountDeltaOut.of(r) for r in reversed(list(rows.scalars()))]

    @get("/{asset_id:uuid}/settings")
    async def get_settings(self, session: AsyncSession, asset_id: uuid.UUID) -> MachineSettingsOut:
        await get_asset(session, asset_id)
        return MachineSettingsOut.of(
            (await services.settings_for(session, [asset_id]))[asset_id], asset_id=asset_id
        )

    @put("/{asset_id:uuid}/settings", guards=[requires(*ASSET_EDIT_ROLES)])
    async def put_settings(
        self, session: AsyncSession, asset_id: uuid.UUID, data: MachineSettingsIn
    ) -> MachineSettingsOut:
        asset = await get_asset(session, asset_id)
        row = await session.get(MachineSettings, asset_id)
        if row is None:
            row = MachineSettings(site_id=asset.site_id, asset_id=asset_id)
            session.add(row)
        for field in MachineSettingsIn.__struct_fields__:
            setattr(row, field, getattr(data, field))
        await session.flush()
        return MachineSettingsOut.of(row)
