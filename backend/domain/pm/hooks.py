"""Machine facts into PM: run-hour signals and cycle counts become meter readings, analog
signals feed condition plans. Registered into `backend.domain.machines.events` on import.

A hook runs inside the collector's ingest transaction; data PM cannot use is logged and left
out rather than failing the whole batch.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines import events
from backend.domain.meters.services import get_meter, record_meter_reading
from backend.domain.pm.services.conditions import record_signal_values
from backend.lib.errors import DomainError

log = logging.getLogger("gemba.pm")
RUN_HOURS_ROLE = "run_hours"
CYCLE_ROLE = "cycle_count"
CYCLES_METER = "cycles"


async def on_signals(session: AsyncSession, batches: list[events.SignalBatch]) -> None:
    for batch in batches:
        try:
            if batch.role == RUN_HOURS_ROLE:
                for at, value in sorted(batch.values):
                    await record_meter_reading(
                        session, None, batch.asset_id, batch.signal, value, at, "collector"
                    )
            else:
                await record_signal_values(session, batch.site_id, batch.asset_id, batch.signal, batch.values)
        except DomainError as exc:
            log.warning("signal %s of asset %s left out of PM: %s", batch.signal, batch.asset_id, exc)


async def on_counts(session: AsyncSession, counted: list[events.Counted]) -> None:
    """Cycle counts arrive as deltas; the `cycles` meter reads their running sum."""
    for item in sorted((c for c in counted if c.role == CYCLE_ROLE), key=lambda c: c.at):
        try:
            meter = await get_meter(session, item.asset_id, CYCLES_METER)
            value = (meter.last_value if meter is not None else 0.0) + item.delta
            await record_meter_reading(
                session, None, item.asset_id, CYCLES_METER, value, item.at, "collector"
            )
        except DomainError as exc:
            log.warning("cycle count of asset %s left out of PM: %s", item.asset_id, exc)


def register() -> None:
    if on_signals not in events.on_signals:
        events.on_signals.append(on_signals)
    if on_counts not in events.on_counts:
        events.on_counts.append(on_counts)
