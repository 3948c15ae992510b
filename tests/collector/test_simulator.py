"""The simulated plant: deterministic for a seed, and its stops reach the collector on both protocols."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from backend.collector.config import parse_config
from backend.collector.runtime import Collector
from backend.collector.simulate import Machine, Plant, collector_config_toml
from backend.collector.simulate.plant import PROFILES
from tests.collector._fake_api import FakeIngestApi
from tests.collector.conftest import eventually, free_port


def test_a_seed_replays_the_same_machine_history() -> None:
    a, b = Machine("M1", seed=7), Machine("M1", seed=7)
    assert [a.step(1.0) for _ in range(600)] == [b.step(1.0) for _ in range(600)]


def test_a_running_machine_counts_parts_and_run_hours() -> None:
    machine = Machine("M1", random_stops=False, cycle_s=2.0)
    for _ in range(100):
        state = machine.step(1.0)
    assert state.good + state.scrap == 50
    assert state.run_hours * 3600 == pytest.approx(100, rel=1e-3)


def test_random_stops_come_with_a_fault_code() -> None:
    machine = Machine("M1", seed=3, stop_chance_per_min=30)
    states = [machine.step(1.0) for _ in range(300)]
    stopped = [s for s in states if not s.run]
    assert stopped
    assert all(s.fault_code != 0 for s in stopped)
    assert all(s.fault_code == 0 for s in states if s.run)


async def test_a_forced_stop_reaches_the_collector_over_opcua_and_modbus(
    ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    plant = Plant(["M1", "M2"], opcua_port=free_port(), modbus_port=free_port(), random_stops=False)
    await plant.start()
    text = collector_config_toml(
        opcua_machines=["M1"],
        modbus_machines=["M2"],
        all_machines=["M1", "M2"],
        opcua_endpoint=plant.opcua.endpoint,
        modbus_host="127.0.0.1",
        modbus_port=plant.modbus.port,
        api_url=ingest_api.url,
        token=ingest_api.token,
        spool_path=str(tmp_path / "spool.db"),
        publishing_interval_ms=50,
        poll_interval_ms=50,
    )
    collector = Collector(parse_config(text))
    task = asyncio.create_task(collector.run())

    def seen(tag: str, value: object) -> bool:
        return any(s.tag == tag and s.value == value for s in ingest_api.samples)  # type: ignore[attr-defined]

    try:
        await eventually(lambda: seen("M1.run", True) and seen("M2.run", True))
        await plant.force_stop("M1", 404)
        await plant.force_stop("M2", 205)
        await eventually(lambda: seen("M1.run", False) and seen("M1.fault_code", 404))
        await eventually(lambda: seen("M2.run", False) and seen("M2.fault_code", 205))
        await plant.force_start("M2")
        await plant.tick(10.0)
        await eventually(lambda: seen("M2.run", True) and seen("M2.good", 5))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await plant.stop()


def test_under_the_demo_profile_some_stops_carry_a_fault_code_and_some_do_not() -> None:
    machine = Machine("M1", seed=1, **PROFILES["demo"])
    states = [machine.step(1.0) for _ in range(4 * 3600)]
    starts = [b for a, b in itertools.pairwise(states) if a.run and not b.run]
    assert any(s.fault_code for s in starts)
    assert any(not s.fault_code for s in starts)
