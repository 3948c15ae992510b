"""The seeded fault-injection simulation: every invariant holds on the reference engine and store.

CI runs a fixed budget of seeds; `GEMBA_SIM_SEEDS=500` runs a longer soak. A failing seed
reproduces exactly: `asyncio.run(run_simulation(seed))`.
"""

from __future__ import annotations

import pytest

from sync.simulation import SimConfig, SimReport, run_simulation, seeds_from_env

SEEDS = seeds_from_env(6)


@pytest.fixture(scope="module")
def first_run() -> SimReport:
    import asyncio

    return asyncio.run(run_simulation(0))


@pytest.mark.parametrize("seed", SEEDS)
async def test_every_invariant_holds_under_faults(seed: int) -> None:
    report = await run_simulation(seed)
    assert report.ok, report.summary()


async def test_a_run_is_reproducible_from_its_seed(first_run: SimReport) -> None:
    again = await run_simulation(0)
    assert (again.stats, again.violations) == (first_run.stats, first_run.violations)


def test_the_run_simulates_at_least_twenty_devices() -> None:
    assert SimConfig().devices >= 20


@pytest.mark.parametrize(
    "event",
    [
        "dropped",
        "lost_responses",
        "duplicated",
        "delayed",
        "server_crashes",
        "crashes_on_commit",
        "device_crashes",
        "device_resets_required",
        "device_replaced",
        "grant_changes",
        "conflicts",
        "rejected",
    ],
)
def test_a_run_exercises_each_fault_and_outcome(first_run: SimReport, event: str) -> None:
    assert first_run.stats[event] > 0, first_run.stats
