"""Fixtures of the collector suite: simulated PLCs and a fake ingest API on free loopback ports."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from backend.collector.config import CollectorConfig, parse_config
from backend.collector.runtime import Collector
from backend.collector.sample import Sample
from backend.collector.simulate.modbus_server import ModbusPlantServer
from backend.collector.simulate.opcua_server import OpcUaPlantServer
from backend.collector.sink import Sink
from tests.collector._fake_api import FakeIngestApi

MACHINES = ["M1", "M2"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def _quiet_libraries() -> None:
    logging.getLogger("asyncua").setLevel(logging.CRITICAL)
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


@pytest.fixture
async def opcua_server() -> AsyncIterator[OpcUaPlantServer]:
    server = OpcUaPlantServer(MACHINES, "127.0.0.1", free_port())
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def modbus_server() -> AsyncIterator[ModbusPlantServer]:
    server = ModbusPlantServer(MACHINES, "127.0.0.1", free_port())
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def ingest_api() -> AsyncIterator[FakeIngestApi]:
    api = FakeIngestApi(free_port())
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


def config_text(
    sources: str,
    *,
    spool: Path,
    api_url: str = "http://127.0.0.1:9",
    token: str = "secret-token",
    demote_after: int = 50,
    demote_s: float = 30,
) -> str:
    return f"""
[collector]
name = "test-collector"
heartbeat_s = 3600
reconnect_initial_ms = 50
reconnect_max_ms = 400
flush_interval_ms = 20
demote_after = {demote_after}
demote_s = {demote_s}

[api]
url = "{api_url}"
token = "{token}"
batch_size = 50
send_interval_ms = 50
timeout_s = 1.0
retry_max_ms = 200

[spool]
path = "{spool}"
max_bytes = 10000000
{sources}
"""


def make_config(sources: str, tmp_path: Path, **kwargs: Any) -> CollectorConfig:
    return parse_config(config_text(sources, spool=tmp_path / "spool.db", **kwargs))


def opcua_source(
    endpoint: str, *, mode: str = "subscription", name: str = "ua", tags: str | None = None
) -> str:
    body = (
        tags
        if tags is not None
        else "".join(
            f"""
  [[sources.tags]]
  name = "{m}.{t}"
  asset = "{m}"
  role = "{role}"
  node_id = "ns=2;s={m}.{t}"
"""
            for m in MACHINES
            for t, role in (("run", "run_state"), ("good", "good_count"), ("fault_code", "fault_code"))
        )
    )
    return f"""
[[sources]]
kind = "opcua"
name = "{name}"
endpoint = "{endpoint}"
mode = "{mode}"
publishing_interval_ms = 50
sampling_interval_ms = 0
poll_interval_ms = 50
keepalive_ms = 500
timeout_s = 2.0
{body}"""


def modbus_source(host: str, port: int, *, name: str = "mb", timeout_s: float = 0.5) -> str:
    return f"""
[[sources]]
kind = "modbus"
name = "{name}"
host = "{host}"
port = {port}
poll_interval_ms = 30
timeout_s = {timeout_s}

  [[sources.tags]]
  name = "{name}.M1.run"
  asset = "M1"
  role = "run_state"
  function = "coils"
  address = 0
  data_type = "bool"

  [[sources.tags]]
  name = "{name}.M1.good"
  asset = "M1"
  role = "good_count"
  function = "holding_registers"
  address = 1
  data_type = "uint32"
"""


class ListOutput:
    """A ``SampleOutput`` that keeps everything (no report-by-exception) for adapter tests."""

    report_by_exception = False

    def __init__(self) -> None:
        self.samples: list[tuple[str, object, str]] = []
        self.sample_objects: list[Sample] = []
        self.connected_calls = 0
        self.event = asyncio.Event()

    def connected(self) -> None:
        self.connected_calls += 1

    def emit(self, tag, value, quality="good", source_ts=None) -> None:  # type: ignore[no-untyped-def]
        self.samples.append((tag.name, value, quality))
        self.event.set()

    def values(self, name: str) -> list[object]:
        return [v for n, v, _ in self.samples if n == name]


@contextlib.asynccontextmanager
async def running(collector: Collector) -> AsyncIterator[Collector]:
    """Run ``collector`` for the duration of the block."""
    task = asyncio.create_task(collector.run())
    try:
        yield collector
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@contextlib.asynccontextmanager
async def sending(sink: Sink) -> AsyncIterator[Sink]:
    """Run ``sink`` for the duration of the block."""
    task = asyncio.create_task(sink.run())
    try:
        yield sink
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], timeout: float = 10.0, step: float = 0.02
) -> None:
    """Wait until ``check()`` holds (bounded); fails the test with the timeout otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(step)
