"""The seeded fault-injection simulation on the real store and engine, on SQLite and PostgreSQL.

Twenty-four devices, offline stretches, dropped requests, responses lost after commit, duplicated
and delayed deliveries, device crashes, server restarts (also while committing), grant changes,
log compaction, concurrent edits of the same work orders and stock; then heal, drain and check
every invariant (`sync.simulation.check`). `make test` runs a fixed budget of seeds; a soak sets
`GEMBA_SIM_SEEDS` (`make soak`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.engine import make_engine
from sync.simulation import FaultHooks, NetworkFaults, SimConfig, run_simulation, seeds_from_env
from tests.integration.replication._sim import SqlTarget, create_sim_tables, drop_sim_tables

SEEDS = seeds_from_env(2)
CONFIG = SimConfig(
    ticks=20,
    keep_changes=60,
    network=NetworkFaults(timeout_turns=20000, max_delay_turns=400),
    stall_seconds=400.0,
)
"""Waiting is counted in event-loop turns; a database answers in many more turns than the
in-memory store, so the client's patience is scaled up, and the wall-clock guard against a
deadlock is generous for a loaded machine."""


@pytest.fixture
async def sim_db(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    await create_sim_tables(engine)
    yield engine
    await drop_sim_tables(engine)
    await engine.dispose()


@pytest.mark.parametrize("seed", SEEDS)
async def test_every_invariant_holds_on_the_database(sim_db: AsyncEngine, seed: int) -> None:
    def target(hooks: FaultHooks) -> SqlTarget:
        return SqlTarget(sim_db, hooks)

    report = await run_simulation(seed, CONFIG, factory=target)
    assert report.ok, report.summary()
    exercised = ("lost_responses", "duplicated", "server_crashes", "device_crashes", "conflicts", "rejected")
    assert all(report.stats[event] > 0 for event in exercised), report.stats
    assert report.stats["device_resets_required"] + report.stats["device_replaced"] > 0, report.stats
