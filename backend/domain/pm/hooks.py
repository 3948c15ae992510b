"""Machine facts into PM: run-hour signals and cycle counts become meter readings, analog
signals feed condition plans. Registered into `backend.domain.machines.events` on import.

A hook runs inside the collector's ingest transaction; data PM cannot use is logged and left
out rather than failing the whole batch.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines import events
from backend.domain.meters.services import COLLECTOR_SPACING, get_meter, record_meter_reading
from backend.domain.pm.services.conditions import record_signal_values, watched_signals
from backend.lib.errors import DomainError

log = logging.getLogger("gemba.pm")
RUN_HOURS_ROLE = "run_hours"
CYCLE_ROLE = "cycle_count"
CYCLES_METER = "cycles"


async def on_signals(session: AsyncSession, batches: list[events.SignalBatch]) -> None:
    watched: dict[uuid.UUID, frozenset[str]] = {}
    for site_id in {b.site_id for b in batches if b.role != RUN_HOURS_ROLE}:
        assets = [b.asset_id for b in batches if b.site_id == site_id and b.role != RUN_HOURS_ROLE]
        watched.update(await watched_signals(session, site_id, assets))
    for batch in batches:
        try:
            if batch.role == RUN_HOURS_ROLE:
                for at, value in thinned(sorted(batch.values)):
                    await record_meter_reading(
                        session, None, batch.asset_id, batch.signal, value, at, "collector"
                    )
            elif batch.signal in watched.get(batch.asset_id, ()):
                await record_signal_values(session, batch.site_id, batch.asset_id, batch.signal, batch.values)
        except DomainError as exc:
            log.warning("signal %s of asset %s left out of PM: %s", batch.signal, batch.asset_id, exc)


def thinned(values: list[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    """Readings at least `COLLECTOR_SPACING` apart, and the latest: a cumulative meter's closer
    readings would only update its total, which the latest one does alone."""
    out: list[tuple[datetime, float]] = []
    for i, (at, value) in enumerate(values):
        last = i == len(values) - 1
        if not out or last or at - out[-1][0] >= COLLECTOR_SPACING:
            out.append((at, value))
    return out


async def on_counts(session: AsyncSession, counted: list[events.Counted]) -> None:
    """Cycle counts arrive as deltas; the `cycles` meter reads their running sum, one reading per
    asset and batch (the meter is cumulative: the sum at the batch's last delta says it all)."""
    by_asset: dict[uuid.UUID, list[events.Counted]] = defaultdict(list)
    for item in counted:
        if item.role == CYCLE_ROLE and item.delta > 0:
            by_asset[item.asset_id].append(item)
    for asset_id, items in by_asset.items():
        try:
            meter = await get_meter(session, asset_id, CYCLES_METER)
            value = (meter.last_value if meter is not None else 0.0) + sum(i.delta for i in items)
            at = max(i.at for i in items)
            await record_meter_reading(session, None, asset_id, CYCLES_METER, value, at, "collector")
        except DomainError as exc:
            log.warning("cycle count of asset %s left out of PM: %s", asset_id, exc)


def register() -> None:
    if on_signals not in events.on_signals:
        events.on_signals.append(on_signals)
    if on_counts not in events.on_counts:
        events.on_counts.append(on_counts)
