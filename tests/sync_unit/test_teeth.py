"""The simulation has teeth: each deliberately broken variant is caught within a few seeds."""

from __future__ import annotations

from sync.simulation import SimReport, TargetFactory, run_simulation
from sync.simulation.broken import ack_before_commit, no_dedup, split_lmid, write_time_ids

SEED_BUDGET = 3


async def first_violations(factory: TargetFactory) -> SimReport:
    for seed in range(SEED_BUDGET):
        report = await run_simulation(seed, factory=factory)
        if not report.ok:
            return report
    raise AssertionError(f"no violation within {SEED_BUDGET} seeds")


def kinds(report: SimReport) -> set[str]:
    return {v.invariant for v in report.violations}


async def test_without_deduplication_mutations_are_applied_twice() -> None:
    assert "exactly_once" in kinds(await first_violations(no_dedup))


async def test_acknowledging_before_commit_loses_mutations() -> None:
    report = await first_violations(ack_before_commit)
    assert any("processed 0 times" in v.detail for v in report.violations), report.summary()


async def test_advancing_the_number_outside_the_transaction_applies_mutations_twice() -> None:
    report = await first_violations(split_lmid)
    assert any("processed 2 times" in v.detail for v in report.violations), report.summary()


async def test_change_ids_drawn_at_write_time_make_replicas_miss_late_commits() -> None:
    assert "convergence" in kinds(await first_violations(write_time_ids))
