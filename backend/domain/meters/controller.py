"""HTTP endpoints for meters, meter readings and recent signal values of an asset."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.services import get_asset
from backend.domain.meters import services
from backend.domain.meters.models import MeterReading
from backend.domain.meters.schemas import (
    MeterName,
    MeterOut,
    MeterReadingCreate,
    MeterReadingOut,
    SignalOut,
    SignalValueOut,
)
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock
from backend.lib.errors import ValidationFailed
from backend.web.auth import requires


def _aware(field: str, value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(field, "must carry a time zone")


def reading_out(row: MeterReading, meter: str) -> MeterReadingOut:
    return MeterReadingOut.of(row, meter=meter)


class MeterController(Controller):
    path = "/api/meters"
    tags = ["meters"]

    @get("/")
    async def list_meters(self, session: AsyncSession, asset_id: uuid.UUID) -> list[MeterOut]:
        await get_asset(session, asset_id)
        return [MeterOut.of(m) for m in await services.list_meters(session, asset_id)]

    @post("/readings", guards=[requires(*services.READING_ROLES)])
    async def record(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: MeterReadingCreate
    ) -> MeterReadingOut:
        row = await services.record_meter_reading(
            session,
            actor,
            data.asset_id,
            data.meter,
            data.value,
            data.at or clock.now(),
            "manual",
            reset=data.reset,
            clock=clock,
        )
        assert row is not None  # manual readings are stored or refused, never dropped
        return reading_out(row, data.meter)

    @get("/readings")
    async def history(
        self,
        session: AsyncSession,
        asset_id: uuid.UUID,
        meter: MeterName,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = Parameter(default=500, ge=1, le=5000),
    ) -> list[MeterReadingOut]:
        _aware("since", since)
        _aware("until", until)
        await get_asset(session, asset_id)
        rows = await services.list_readings(session, asset_id, meter, since=since, until=until, limit=limit)
        return [reading_out(r, meter) for r in rows]


class SignalController(Controller):
    path = "/api/signals"
    tags = ["meters"]

    @get("/")
    async def list_signals(self, session: AsyncSession, asset_id: uuid.UUID) -> list[SignalOut]:
        """The asset's signals with their latest value."""
        await get_asset(session, asset_id)
        return [
            SignalOut(signal=name, last_at=at, last_value=value)
            for name, at, value in await services.list_signals(session, asset_id)
        ]

    @get("/values")
    async def values(
        self,
        session: AsyncSession,
        asset_id: uuid.UUID,
        signal: MeterName,
        since: datetime | None = None,
        limit: int = Parameter(default=500, ge=1, le=5000),
    ) -> list[SignalValueOut]:
        """Recent raw values of one signal, oldest first (raw values are kept for a retention period)."""
        _aware("since", since)
        await get_asset(session, asset_id)
        rows = await services.recent_signal_values(session, asset_id, signal, since=since, limit=limit)
        return [SignalValueOut(at=at, value=value) for at, value in rows]


CONTROLLERS = [MeterController, SignalController]
