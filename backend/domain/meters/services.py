"""Meter rules: readings by hand or from the collector, resets, usage history; recent signal values."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.machines.models import SignalValue
from backend.domain.meters.models import Meter, MeterReading
from backend.domain.meters.rules import meter_step, valid_reading
from backend.domain.people.roles import MAINTENANCE_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import NotFound, ValidationFailed

Source = Literal["manual", "collector"]
SOURCES = ("manual", "collector")
READING_ROLES = MAINTENANCE_ROLES
# Collector readings closer together than this update the meter but store no history row.
COLLECTOR_SPACING = timedelta(minutes=1)
# Clocks disagree a little; a manual reading further ahead of "now" than this is refused.
FUTURE_TOLERANCE = timedelta(minutes=5)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")


def check_meter_name(name: str, field: str = "meter") -> None:
    if not 1 <= len(name) <= 80 or not _NAME.match(name):
        raise ValidationFailed(field, "1 to 80 letters, digits or . _ - / (starting with a letter or digit)")


async def _asset_for(session: AsyncSession, actor: Actor | None, asset_id: uuid.UUID) -> Asset:
    asset = await session.scalar(select(Asset).where(Asset.id == asset_id))
    if asset is None or (actor is not None and not actor.can_see_site(asset.site_id)):
        raise ValidationFailed("asset_id", "no such asset")
    if asset.retired_at is not None:
        raise ValidationFailed("asset_id", "the asset is retired")
    return asset


async def _meter_for_update(session: AsyncSession, asset: Asset, name: str) -> Meter | None:
    stmt = select(Meter).where(Meter.asset_id == asset.id, Meter.name == name).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def _latest_row(session: AsyncSession, meter_id: uuid.UUID) -> MeterReading | None:
    stmt = (
        select(MeterReading)
        .where(MeterReading.meter_id == meter_id)
        .order_by(MeterReading.at.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def record_meter_reading(
    session: AsyncSession,
    actor_or_system: Actor | None,
    asset_id: uuid.UUID,
    meter: str,
    value: float,
    at: datetime,
    source: Source,
    *,
    reset: bool = False,
    clock: Clock | None = None,
) -> MeterReading | None:
    """Record a cumulative meter reading; `actor_or_system=None` is the system (collector ingest).

    Readings are cumulative. A value below the previous one is a reset: by hand it must be
    confirmed with `reset=True` (a typo must not add hundreds of hours); from the collector a
    drop below half the previous value is a reset and a smaller one is ignored as noise (None).
    A reading not later than the meter's latest is refused when entered by hand
    (answered with the stored one when it repeats it exactly) and ignored from the collector
    (None). Collector readings less than `COLLECTOR_SPACING` after the last stored one update
    the meter's total without a history row.
    """
    if source not in SOURCES:
        raise ValidationFailed("source", "must be 'manual' or 'collector'")
    if actor_or_system is not None:
        actor_or_system.require_role(READING_ROLES, "record meter readings")
    check_meter_name(meter)
    problem = valid_reading(value)
    if problem:
        raise ValidationFailed("value", problem)
    if at.tzinfo is None:
        raise ValidationFailed("at", "must carry a time zone")
    if clock is not None and at > clock.now() + FUTURE_TOLERANCE:
        raise ValidationFailed("at", "lies in the future")
    asset = await _asset_for(session, actor_or_system, asset_id)
    recorded_at = clock.now() if clock is not None else at
    row = await _meter_for_update(session, asset, meter)
    if row is None:
        row, created = await _create_meter(session, asset, meter, value, at)
        if created:
            return await _store(session, row, actor_or_system, (at, recorded_at), value, value, False, source)
    if at <= row.last_at:
        latest = await _latest_row(session, row.id)
        if latest is not None and latest.at == at and latest.value == value:
            return latest
        if source == "collector":
            return None
        raise ValidationFailed("at", f"must be after the meter's latest reading ({row.last_at.isoformat()})")
    step = meter_step(row.last_value, value)
    if source == "manual" and (step.reset or step.backwards) and not reset:
        raise ValidationFailed(
            "value",
            f"is below the last reading ({row.last_value:g}); send reset=true when the meter was "
            "reset or replaced",
        )
    if step.backwards and not reset:
        return None
    is_reset = step.reset or reset
    delta = value if is_reset else step.delta
    row.last_value, row.last_at = value, at
    row.total += delta
    row.resets += int(is_reset)
    if source == "collector" and not is_reset:
        latest = await _latest_row(session, row.id)
        if latest is not None and at - latest.at < COLLECTOR_SPACING:
            await session.flush()
            return None
    return await _store(session, row, actor_or_system, (at, recorded_at), value, delta, is_reset, source)


async def _create_meter(
    session: AsyncSession, asset: Asset, name: str, value: float, at: datetime
) -> tuple[Meter, bool]:
    """The meter's first reading creates it; a concurrent first reading wins and is used instead."""
    try:
        async with session.begin_nested():
            row = Meter(
                site_id=asset.site_id,
                asset_id=asset.id,
                name=name,
                last_value=value,
                last_at=at,
                total=value,
                resets=0,
            )
            session.add(row)
            await session.flush()
            return row, True
    except IntegrityError:
        found = await _meter_for_update(session, asset, name)
        assert found is not None
        return found, False


async def _store(
    session: AsyncSession,
    meter: Meter,
    actor: Actor | None,
    times: tuple[datetime, datetime],
    value: float,
    delta: float,
    reset: bool,
    source: str,
) -> MeterReading:
    at, recorded_at = times
    reading = MeterReading(
        site_id=meter.site_id,
        meter_id=meter.id,
        asset_id=meter.asset_id,
        at=at,
        value=value,
        delta=delta,
        total=meter.total,
        reset=reset,
        source=source,
        recorded_by=actor.user_id if actor is not None else None,
        recorded_at=recorded_at,
    )
    session.add(reading)
    await session.flush()
    return reading


async def get_meter(session: AsyncSession, asset_id: uuid.UUID, name: str) -> Meter | None:
    stmt = select(Meter).where(Meter.asset_id == asset_id, Meter.name == name)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_meters(session: AsyncSession, asset_id: uuid.UUID) -> list[Meter]:
    rows = await session.execute(select(Meter).where(Meter.asset_id == asset_id).order_by(Meter.name))
    return list(rows.scalars())


async def list_readings(
    session: AsyncSession,
    asset_id: uuid.UUID,
    meter: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[MeterReading]:
    """The newest `limit` readings in the window, oldest first."""
    row = await get_meter(session, asset_id, meter)
    if row is None:
        raise NotFound("no such meter on this asset")
    stmt = select(MeterReading).where(MeterReading.meter_id == row.id)
    if since is not None:
        stmt = stmt.where(MeterReading.at >= since)
    if until is not None:
        stmt = stmt.where(MeterReading.at < until)
    rows = await session.execute(stmt.order_by(MeterReading.at.desc()).limit(limit))
    return list(reversed(list(rows.scalars())))


async def total_at(session: AsyncSession, meter: Meter, when: datetime) -> float | None:
    """The usage total as of `when` (the last reading at or before it), None before the first."""
    if meter.last_at <= when:
        return meter.total
    stmt = (
        select(MeterReading.total)
        .where(MeterReading.meter_id == meter.id, MeterReading.at <= when)
        .order_by(MeterReading.at.desc())
        .limit(1)
    )
    return await session.scalar(stmt)


async def first_total(session: AsyncSession, meter: Meter) -> float:
    stmt = (
        select(MeterReading.total).where(MeterReading.meter_id == meter.id).order_by(MeterReading.at).limit(1)
    )
    found = await session.scalar(stmt)
    return meter.total if found is None else float(found)


async def reached_at(session: AsyncSession, meter: Meter, level: float) -> datetime | None:
    """When the usage total first reached `level` (to the resolution of the stored readings)."""
    if meter.total < level:
        return None
    stmt = select(func.min(MeterReading.at)).where(
        MeterReading.meter_id == meter.id, MeterReading.total >= level
    )
    found = await session.scalar(stmt)
    return found if found is not None else meter.last_at


async def list_signals(session: AsyncSession, asset_id: uuid.UUID) -> list[tuple[str, datetime, float]]:
    """Every signal of an asset with its latest value."""
    latest = (
        select(SignalValue.signal, func.max(SignalValue.at).label("at"))
        .where(SignalValue.asset_id == asset_id)
        .group_by(SignalValue.signal)
        .subquery()
    )
    stmt = (
        select(SignalValue.signal, SignalValue.at, SignalValue.value)
        .join(latest, (latest.c.signal == SignalValue.signal) & (latest.c.at == SignalValue.at))
        .where(SignalValue.asset_id == asset_id)
        .order_by(SignalValue.signal)
    )
    out: dict[str, tuple[str, datetime, float]] = {}
    for name, at, value in (await session.execute(stmt)).all():
        out.setdefault(name, (name, at, float(value)))
    return list(out.values())


async def recent_signal_values(
    session: AsyncSession,
    asset_id: uuid.UUID,
    signal: str,
    *,
    since: datetime | None = None,
    limit: int = 500,
) -> list[tuple[datetime, float]]:
    """The newest `limit` raw values of a signal (since `since`), oldest first."""
    stmt = select(SignalValue.at, SignalValue.value).where(
        SignalValue.asset_id == asset_id, SignalValue.signal == signal
    )
    if since is not None:
        stmt = stmt.where(SignalValue.at >= since)
    rows = (await session.execute(stmt.order_by(SignalValue.at.desc()).limit(limit))).all()
    return [(at, float(value)) for at, value in reversed(rows)]
