"""Retention of the change log and of stored mutation results (`GEMBA_SYNC_RETENTION_DAYS`).

Changes committed before the cutoff are deleted and the clock's horizon rises to the highest
deleted id: a device whose cursor is older is told to reset (410 `retention`) after pushing its
outbox. Results are kept as long: a mutation resent later than that is answered `duplicate`
without its original outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.lib.clock import Clock
from backend.replication.changelog import CHANGES, CLOCK
from backend.replication.models import CLOCK_ROW, SyncMutationResult

log = logging.getLogger("gemba.sync")
EVERY_SECONDS = 3600.0
RESULTS = cast(Table, SyncMutationResult.__table__)


@dataclass(frozen=True)
class Pruned:
    horizon: int
    changes: int
    results: int


async def prune_upto(session: AsyncSession, upto: int) -> int:
    """Delete the log up to change id `upto` and raise the horizon to it; returns rows deleted."""
    if upto <= 0:
        return 0
    deleted = await session.execute(delete(CHANGES).where(CHANGES.c.change_id <= upto))
    await session.execute(
        update(CLOCK).where(CLOCK.c.id == CLOCK_ROW, CLOCK.c.horizon < upto).values(horizon=upto)
    )
    return int(getattr(deleted, "rowcount", 0) or 0)


async def prune(session: AsyncSession, clock: Clock, days: int) -> Pruned:
    cutoff = clock.now() - timedelta(days=days)
    upto = await session.scalar(select(func.max(CHANGES.c.change_id)).where(CHANGES.c.committed_at < cutoff))
    changes = await prune_upto(session, int(upto or 0))
    results = await session.execute(delete(RESULTS).where(RESULTS.c.created_at < cutoff))
    horizon = await session.scalar(select(CLOCK.c.horizon).where(CLOCK.c.id == CLOCK_ROW))
    return Pruned(int(horizon or 0), changes, int(getattr(results, "rowcount", 0) or 0))


async def prune_loop(maker: async_sessionmaker[Any], clock: Clock, days: int, every: float) -> None:
    while True:
        try:
            async with maker() as session:
                pruned = await prune(session, clock, days)
                await session.commit()
            if pruned.changes or pruned.results:
                log.info(
                    "sync retention: horizon %d, %d changes and %d results pruned", *vars(pruned).values()
                )
        except DBAPIError as exc:
            log.info("sync retention pass failed, retrying later: %s", exc.orig)
        except Exception:
            log.exception("sync retention pass failed")
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def retention_job(app: Any) -> AsyncIterator[None]:
    settings = app.state.settings
    task = asyncio.get_running_loop().create_task(
        prune_loop(app.state.session_maker, app.state.clock, settings.sync_retention_days, EVERY_SECONDS)
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
