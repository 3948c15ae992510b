"""The PM generator as a background job of the API process (a `backend.app.BACKGROUND` hook).

Every replica may run it: generators take turns per plan (see `services.generator`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.pm.services import run_generator
from backend.lib.clock import Clock

log = logging.getLogger("gemba.pm")
EVERY_SECONDS = 60.0


async def generator_loop(session_maker: async_sessionmaker[Any], clock: Clock, every: float) -> None:
    """Run the generator now and then every `every` seconds, until cancelled."""
    while True:
        try:
            await run_generator(session_maker, clock)
        except Exception:
            log.exception("PM generator pass failed; retrying in %ss", every)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def pm_generator(app: Any) -> AsyncIterator[None]:
    """Lifespan hook: starts the loop with the app's session maker and clock, stops it on shutdown."""
    task = asyncio.create_task(
        generator_loop(app.state.session_maker, app.state.clock, EVERY_SECONDS), name="pm-generator"
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


JOBS = [pm_generator]
