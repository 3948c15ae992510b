"""The background sender: a task that drains the push outbox while the app runs.

It wakes as soon as a transaction of this process that queued a notification commits, and polls
otherwise (rows queued by other processes, retries coming due, claims of a crashed sender lapsing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.push import rules, services
from backend.domain.push.delivery import send_due
from backend.lib.clock import Clock

log = logging.getLogger("gemba.push")

POLL_SECONDS = 1.0
HTTP_TIMEOUT = 10.0
RETENTION = timedelta(days=7)
PURGE_EVERY = 600.0


async def _purge(session_maker: async_sessionmaker[Any], clock: Clock) -> None:
    async with session_maker() as session:
        removed = await services.purge_finished(session, clock.now() - RETENTION)
        await session.commit()
    if removed:
        log.info("forgot %d finished push notifications", removed)


async def run_sender(
    session_maker: async_sessionmaker[Any],
    clock: Clock,
    wake: asyncio.Event,
    stop: asyncio.Event,
    *,
    subject: str,
    poll: float = POLL_SECONDS,
    http_timeout: float = HTTP_TIMEOUT,
) -> None:
    """Send until `stop` is set; a pass that has started is finished, so its outcomes are recorded.
    Finished notifications are forgotten after a week."""
    loop = asyncio.get_running_loop()
    next_purge = loop.time()
    while not stop.is_set():
        wake.clear()
        try:
            if loop.time() >= next_purge:
                next_purge = loop.time() + PURGE_EVERY
                await _purge(session_maker, clock)
            handled = await send_due(session_maker, clock, http_timeout=http_timeout, subject=subject)
        except Exception:
            log.exception("push sending pass failed; retrying in %.0f s", poll)
            handled = 0
        if handled or stop.is_set():
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), poll)


@contextlib.asynccontextmanager
async def push_worker(app: Any, *, poll: float = POLL_SECONDS) -> AsyncIterator[None]:
    """Lifespan hook: runs the sender for the app's database and clock until the app stops. On
    shutdown the pass in flight may finish (up to the HTTP timeout), so a push that went out is
    recorded as sent rather than sent again after a restart."""
    wake, stop = asyncio.Event(), asyncio.Event()
    subject = rules.vapid_subject(app.state.settings.public_base_url)
    services.add_waker(wake.set)
    task = asyncio.create_task(
        run_sender(app.state.session_maker, app.state.clock, wake, stop, subject=subject, poll=poll),
        name="gemba-push-sender",
    )
    try:
        yield
    finally:
        services.remove_waker(wake.set)
        stop.set()
        wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), HTTP_TIMEOUT + 5)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


JOBS = [push_worker]
