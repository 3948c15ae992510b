"""The database simulation has teeth: deliberately broken servers are caught.

- no deduplication: a resent mutation is applied again (`exactly_once`);
- acknowledging before commit: a crash while committing leaves a device holding "applied" for
  something the database never stored ("processed 0 times");
- change ids drawn at write time (a sequence or a timestamp cursor): a transaction that drew a
  lower id commits after a pull moved past it, and replicas miss it (`convergence`). This needs
  concurrent writers, so it runs on PostgreSQL (SQLite has a single writer).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.engine import make_engine
from sync.simulation import FaultHooks, NetworkFaults, SimConfig, SimReport, run_simulation
from sync.simulation.broken import AckBeforeCommitEngine, NoDedupEngine
from tests.integration.replication._sim import (
    SqlTarget,
    WriteTimeIds,
    WriteTimeIdStore,
    create_sim_tables,
    drop_sim_tables,
)

SEED_BUDGET = 3
CONFIG = SimConfig(
    devices=12,
    users=6,
    ticks=12,
    p_crash_on_commit=0.2,
    heal_rounds=2,
    network=NetworkFaults(timeout_turns=20000, max_delay_turns=400),
    stall_seconds=400.0,
)


@pytest.fixture
async def sim_db(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    yield engine
    await drop_sim_tables(engine)
    await engine.dispose()


async def first_violations(db: AsyncEngine, make: Callable[[FaultHooks], SqlTarget]) -> SimReport:
    for seed in range(SEED_BUDGET):
        await create_sim_tables(db)
        report = await run_simulation(seed, CONFIG, factory=make)
        if not report.ok:
            return report
    raise AssertionError(f"no violation within {SEED_BUDGET} seeds")


async def test_without_deduplication_mutations_are_applied_twice(sim_db: AsyncEngine) -> None:
    report = await first_violations(sim_db, lambda hooks: SqlTarget(sim_db, hooks, engine_type=NoDedupEngine))
    assert "exactly_once" in {v.invariant for v in report.violations}, report.summary()


async def test_acknowledging_before_commit_loses_mutations(sim_db: AsyncEngine) -> None:
    report = await first_violations(
        sim_db, lambda hooks: SqlTarget(sim_db, hooks, engine_type=AckBeforeCommitEngine)
    )
    assert any("processed 0 times" in v.detail for v in report.violations), report.summary()


async def test_change_ids_drawn_at_write_time_make_replicas_miss_late_commits(
    sim_db: AsyncEngine, db_engine_name: str
) -> None:
    if db_engine_name != "postgresql":
        pytest.skip("late commits need concurrent writers: SQLite has a single writer")
    filer = WriteTimeIds()

    def target(hooks: FaultHooks) -> SqlTarget:
        return SqlTarget(sim_db, hooks, store_type=WriteTimeIdStore, store_options={"filer": filer})

    report = await first_violations(sim_db, target)
    assert "convergence" in {v.invariant for v in report.violations}, report.summary()
