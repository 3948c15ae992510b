"""A generator pass in its own OS process, for the race tests: `python -m tests.integration.pm._race_worker
<database url> <clock iso> <start at (epoch seconds)>`; prints the report as JSON."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime

from backend.db.engine import make_engine, make_sessionmaker
from backend.db.registry import import_all_models
from backend.domain.pm.services import run_generator
from backend.lib.clock import FixedClock


async def main(url: str, now: str, start_at: float) -> None:
    import_all_models()
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    async with maker() as session:  # connect before the start line, so both start at once
        await session.connection()
    await asyncio.sleep(max(0.0, start_at - time.time()))
    report = await run_generator(maker, FixedClock(datetime.fromisoformat(now)))
    await engine.dispose()
    print(
        json.dumps(
            {
                "generated": report.generated,
                "skipped": report.skipped,
                "already": report.already,
                "failed": len(report.failed),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
