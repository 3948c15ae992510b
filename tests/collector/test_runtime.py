"""The runtime: reconnects, stale markers, re-created subscriptions, isolation of failing sources."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backend.collector.runtime import Collector
from backend.collector.sample import Sample
from backend.collector.simulate.modbus_server import ModbusPlantServer
from backend.collector.simulate.opcua_server import OpcUaPlantServer
from tests.collector._bad_modbus import BadModbusServer
from tests.collector._fake_api import FakeIngestApi
from tests.collector.conftest import eventually, free_port, make_config, modbus_source, opcua_source, running


def _of(api: FakeIngestApi, source: str) -> list[Sample]:
    return [s for s in api.samples if s.source == source]  # type: ignore[attr-defined]


def _has(api: FakeIngestApi, tag: str, value: object, quality: str = "good") -> bool:
    return any(s.tag == tag and s.value == value and s.quality == quality for s in api.samples)  # type: ignore[attr-defined]


def _assert_seq_dense(samples: list[Sample]) -> None:
    seqs = [s.seq for s in samples]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


async def test_an_opcua_server_restart_sends_stale_markers_and_recreates_the_subscription(
    opcua_server: OpcUaPlantServer, ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    config = make_config(opcua_source(opcua_server.endpoint), tmp_path, api_url=ingest_api.url)
    async with running(Collector(config)) as collector:
        await eventually(lambda: _has(ingest_api, "M1.good", 0))
        await opcua_server.write("M1.good", 1)
        await eventually(lambda: _has(ingest_api, "M1.good", 1))

        await opcua_server.stop()
        await eventually(lambda: len([s for s in _of(ingest_api, "ua") if s.quality == "stale"]) == 6)
        await opcua_server.start()
        await opcua_server.write("M1.good", 7)
        await eventually(lambda: _has(ingest_api, "M1.good", 7))
        await opcua_server.write("M2.good", 8)
        await eventually(lambda: _has(ingest_api, "M2.good", 8))

        samples = _of(ingest_api, "ua")
        assert collector.status["ua"].sessions >= 1
    stale = [s for s in samples if s.quality == "stale"]
    assert {s.tag for s in stale} == {f"{m}.{t}" for m in ("M1", "M2") for t in ("run", "good", "fault_code")}
    assert all(s.value is None for s in stale)
    first_stale = samples.index(stale[0])
    assert all(s.quality == "stale" for s in samples[first_stale : first_stale + 6])
    _assert_seq_dense(samples)


async def test_a_modbus_server_restart_sends_stale_markers_then_values_again(
    modbus_server: ModbusPlantServer, ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    await modbus_server.set_value("holding_registers", 1, 5, "uint32", "ABCD")
    config = make_config(
        modbus_source(modbus_server.host, modbus_server.port), tmp_path, api_url=ingest_api.url
    )
    async with running(Collector(config)):
        await eventually(lambda: _has(ingest_api, "mb.M1.good", 5))
        await modbus_server.stop()
        await eventually(lambda: _has(ingest_api, "mb.M1.good", None, "stale"))
        await eventually(lambda: _has(ingest_api, "mb.M1.run", None, "stale"))
        await modbus_server.start()
        await modbus_server.set_value("holding_registers", 1, 6, "uint32", "ABCD")
        await eventually(lambda: _has(ingest_api, "mb.M1.good", 6))
    samples = _of(ingest_api, "mb")
    assert [s.value for s in samples if s.tag == "mb.M1.good"] == [5, None, 6]
    _assert_seq_dense(samples)


@pytest.mark.parametrize("fault", ["tid", "slow"])
async def test_a_misbehaving_source_never_stalls_a_healthy_one(
    fault: str, modbus_server: ModbusPlantServer, ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    bad = BadModbusServer(free_port(), fault, delay_s=3.0)
    await bad.start()
    sources = modbus_source("127.0.0.1", bad.port, name="bad", timeout_s=0.3) + modbus_source(
        modbus_server.host, modbus_server.port, name="good"
    )
    config = make_config(sources, tmp_path, api_url=ingest_api.url)
    try:
        async with running(Collector(config)) as collector:
            await eventually(lambda: collector.status["bad"].failures >= 2)
            for value in (101, 102, 103):
                await modbus_server.set_value("holding_registers", 1, value, "uint32", "ABCD")
                await eventually(lambda v=value: _has(ingest_api, "good.M1.good", v), timeout=2.0)  # type: ignore[misc]
            assert bad.connections >= 2
            assert collector.status["good"].failures == 0
    finally:
        await bad.stop()
    assert _has(ingest_api, "bad.M1.good", None, "stale")


async def test_a_source_that_keeps_failing_is_demoted(ingest_api: FakeIngestApi, tmp_path: Path) -> None:
    port = free_port()
    config = make_config(
        modbus_source("127.0.0.1", port, name="dead"),
        tmp_path,
        api_url=ingest_api.url,
        demote_after=3,
    )
    async with running(Collector(config)) as collector:
        await eventually(lambda: collector.status["dead"].demoted)
        assert collector.status["dead"].history == ["failed", "failed", "failed", "demoted"]


async def test_a_source_that_never_connects_sends_one_stale_marker_per_tag(
    ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    config = make_config(
        modbus_source("127.0.0.1", free_port(), name="dead"), tmp_path, api_url=ingest_api.url
    )
    async with running(Collector(config)) as collector:
        await eventually(lambda: collector.status["dead"].failures >= 3)
        await eventually(lambda: len(ingest_api.samples) == 2)
        await asyncio.sleep(0.2)
    assert sorted((s.tag, s.quality) for s in ingest_api.samples) == [  # type: ignore[attr-defined]
        ("dead.M1.good", "stale"),
        ("dead.M1.run", "stale"),
    ]
