"""Retention of raw signal values: a background job of the API process (a `backend.app.BACKGROUND`
hook). Values older than `GEMBA_SIGNAL_RETENTION_DAYS` are deleted; the facts derived from them
(meter readings, condition episodes, PM occurrences) stay.

Several replicas may run it: deleting what is already gone deletes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.machines.services import purge_signal_values
from backend.lib.clock import Clock

log = logging.getLogger("gemba.machines")

FIRST_AFTER_SECONDS = 60.0
EVERY_SECONDS = 3600.0


async def purge_once(session_maker: async_sessionmaker[Any], clock: Clock, keep_days: int) -> int:
    """Delete the signal values older than `keep_days`; returns how many."""
    async with session_maker() as session:
        removed = await purge_signal_values(session, clock.now() - timedelta(days=keep_days))
        await session.commit()
    if removed:
        log.info("deleted %d signal values older than %d days", removed, keep_days)
    return removed


async def purge_loop(
    session_maker: async_sessionmaker[Any], clock: Clock, keep_days: int, first_after: float, every: float
) -> None:
    await asyncio.sleep(first_after)
    while True:
        try:
            await purge_once(session_maker, clock, keep_days)
        except Exception:
            log.exception("signal retention pass failed; retrying in %ss", every)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def signal_retention(
    app: Any, *, first_after: float = FIRST_AFTER_SECONDS, every: float = EVERY_SECONDS
) -> AsyncIterator[None]:
    """Lifespan hook: purges old signal values a minute after start and then every hour."""
    keep_days = app.state.settings.signal_retention_days
    task = asyncio.create_task(
        purge_loop(app.state.session_maker, app.state.clock, keep_days, first_after, every),
        name="gemba-signal-retention",
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


JOBS = [signal_retention]
