"""Genealogy traces through 5 BOM levels of a synthetic history, against one indexed lot look-up.

value: p50 seconds of `trace_backward` from a finished lot (resp. `trace_forward` from a supplier
lot), each reaching every level of the history (lots, links, orders, shipments, on-hand).
baseline: p50 seconds of reading one lot by id through the same session in the same run.

    python bench/genealogy_trace.py [--lots N] [--postgres postgresql+asyncpg://user@host/db]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import migrate
from backend.db.engine import make_engine, make_sessionmaker
from backend.db.registry import import_all_models
from backend.domain.genealogy import services
from backend.domain.genealogy.models import Lot
from backend.domain.genealogy.synthetic import SyntheticSpec, generate
from bench._common import emit

LEVELS = 5
RUNS = 60
GOAL = "<= 50"
PG_DATABASE = "gemba_bench_genealogy"


async def _p50(
    session: AsyncSession, ids: list[uuid.UUID], fn: Callable[[uuid.UUID], Awaitable[Any]]
) -> float:
    for lot_id in ids[:5]:
        await fn(lot_id)
    times = []
    for lot_id in ids[:RUNS]:
        session.expunge_all()
        t0 = time.perf_counter()
        await fn(lot_id)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def _run(url: str, lots: int, db: str) -> None:
    engine = make_engine(url)
    try:
        history = await generate(
            engine,
            SyntheticSpec(lots=lots, levels=LEVELS),
            progress=lambda msg: print(f"# {msg}", file=sys.stderr, flush=True),
        )
        async with engine.begin() as conn:
            if db == "sqlite":
                await conn.execute(text("PRAGMA analysis_limit=1000"))
            await conn.execute(text("ANALYZE"))
        async with make_sessionmaker(engine)() as session:
            rng = random.Random(11)
            every = [lot_id for sample in history.samples.values() for lot_id in sample]
            rng.shuffle(every)

            async def lookup(lot_id: uuid.UUID) -> None:
                (await session.execute(select(Lot).where(Lot.id == lot_id))).scalar_one()

            baseline = await _p50(session, every, lookup)
            finished, supplied = history.samples[LEVELS - 1], history.samples[0]
            probe = await services.trace_backward(session, finished[0])
            depth = max(lot.depth for lot in probe.lots)

            async def backward(lot_id: uuid.UUID) -> None:
                await services.trace_backward(session, lot_id)

            async def forward(lot_id: uuid.UUID) -> None:
                await services.trace_forward(session, lot_id)

            extra = {
                "db": db,
                "lots": history.lots,
                "links": history.links,
                "generate_s": round(history.seconds, 1),
            }
            value = await _p50(session, finished, backward)
            emit(
                "genealogy.trace_backward_5_levels",
                value,
                baseline,
                "s",
                GOAL,
                levels=depth + 1,
                traced_lots=len(probe.lots),
                **extra,
            )
            fprobe = await services.trace_forward(session, supplied[0])
            value = await _p50(session, supplied, forward)
            emit(
                "genealogy.trace_forward_5_levels",
                value,
                baseline,
                "s",
                GOAL,
                levels=max(lot.depth for lot in fprobe.lots) + 1,
                traced_lots=len(fprobe.lots),
                shipments=len(fprobe.shipments),
                **extra,
            )
    finally:
        await engine.dispose()


async def _pg_database(admin_url: str, name: str, *, create: bool) -> str:
    """Drop the scratch database (and create it afresh when `create`); returns its URL."""
    engine = make_engine(admin_url, null_pool=True)
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return f"{admin_url.rpartition('/')[0]}/{name}"


def _bench(url: str, lots: int, db: str) -> None:
    import_all_models()
    migrate.upgrade(url)
    asyncio.run(_run(url, lots, db))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lots", type=int, default=1_000_000, help="lots in the synthetic history")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help=f"also run on PostgreSQL: a server URL; a scratch database {PG_DATABASE} is made there and dropped after",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _bench(f"sqlite+aiosqlite:///{Path(tmp) / 'genealogy.db'}", args.lots, "sqlite")
    if args.postgres:
        url = asyncio.run(_pg_database(args.postgres, PG_DATABASE, create=True))
        try:
            _bench(url, args.lots, "postgresql")
        finally:
            asyncio.run(_pg_database(args.postgres, PG_DATABASE, create=False))


if __name__ == "__main__":
    main()
