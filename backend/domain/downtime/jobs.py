"""The downtime watcher: a background job of the API process (a `backend.app.BACKGROUND` hook).

Ingest judges stops by the data's own time; a stop that simply goes on sends no new data, so this
job re-evaluates the open stops every few seconds by the clock, and they become downtime events
and tickets as they pass their thresholds.

Several replicas may run it. On PostgreSQL a pass takes a transaction-level advisory lock and a
replica that does not get it skips the pass; beyond that the database decides every race with an
ingest request: events are unique per machine and start, and raising a ticket row-locks the
event, so the loser's transaction fails and is retried (the watcher on its next pass, the
collector by resending its batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.downtime.services import evaluate_open_stops
from backend.lib.clock import Clock

log = logging.getLogger("gemba.downtime")

EVERY_SECONDS = 5.0
# pg_try_advisory_xact_lock key of the watcher's pass ("gemba downtime watcher").
LOCK_KEY = 0x67656D6261_4457


async def watch_once(session_maker: async_sessionmaker[Any], clock: Clock) -> int | None:
    """One pass; returns the tickets raised, or None when another replica holds the pass."""
    async with session_maker() as session:
        if session.get_bind().dialect.name == "postgresql":
            mine = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            if not mine:
                return None
        raised = await evaluate_open_stops(session, clock)
        await session.commit()
    return raised


async def watch_loop(session_maker: async_sessionmaker[Any], clock: Clock, every: float) -> None:
    """Evaluate the open stops now and then every `every` seconds, until cancelled."""
    while True:
        try:
            raised = await watch_once(session_maker, clock)
            if raised:
                log.info("%d ongoing stop(s) got their ticket", raised)
        except DBAPIError as exc:
            log.info("downtime watcher pass lost a race with another writer; retrying: %s", exc.orig)
        except Exception:
            log.exception("downtime watcher pass failed; retrying in %ss", every)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def downtime_watcher(app: Any, *, every: float = EVERY_SECONDS) -> AsyncIterator[None]:
    """Lifespan hook: runs the watcher with the app's session maker and clock until the app stops."""
    task = asyncio.create_task(
        watch_loop(app.state.session_maker, app.state.clock, every), name="gemba-downtime-watcher"
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


JOBS = [downtime_watcher]
