"""The OPC UA adapter against a real asyncua server: subscription, polling, deadband, status,
and a server that stops answering."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from asyncua import ua

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.opcua.adapter import OpcUaAdapter
from backend.collector.adapters.opcua.config import OpcUaSource, OpcUaTag
from backend.collector.simulate.opcua_server import OpcUaPlantServer
from tests.collector._proxy import FreezableProxy
from tests.collector.conftest import MACHINES, ListOutput, eventually, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared_server() -> AsyncIterator[OpcUaPlantServer]:
    """One server for the tests that do not stop it; each test uses its own variables."""
    server = OpcUaPlantServer(MACHINES, "127.0.0.1", free_port())
    await server.start()
    yield server
    await server.stop()


def source(server: OpcUaPlantServer, tags: list[OpcUaTag], mode: str = "subscription") -> OpcUaSource:
    return OpcUaSource(
        name="ua",
        endpoint=server.endpoint,
        tags=tags,
        mode=mode,  # type: ignore[arg-type]
        publishing_interval_ms=100,
        sampling_interval_ms=0,
        poll_interval_ms=50,
        keepalive_ms=500,
        timeout_s=2.0,
    )


def tag(name: str, role: str, deadband: float | None = None) -> OpcUaTag:
    return OpcUaTag(name=name, asset="M1", role=role, node_id=f"ns=2;s={name}", deadband=deadband)  # type: ignore[arg-type]


async def test_subscription_delivers_every_counter_step_between_publishes(
    shared_server: OpcUaPlantServer,
) -> None:
    out = ListOutput()
    task = asyncio.create_task(OpcUaAdapter(source(shared_server, [tag("M1.good", "good_count")])).run(out))
    try:
        await eventually(lambda: out.values("M1.good") == [0])
        for value in range(1, 6):
            await shared_server.write("M1.good", value)
        await eventually(lambda: out.values("M1.good")[-1:] == [5])
    finally:
        task.cancel()
    assert out.values("M1.good") == [0, 1, 2, 3, 4, 5]
    assert out.connected_calls == 1


async def test_subscription_samples_carry_the_source_timestamp(shared_server: OpcUaPlantServer) -> None:
    seen: list[object] = []

    class Out(ListOutput):
        def emit(self, tag, value, quality="good", source_ts=None) -> None:  # type: ignore[no-untyped-def]
            seen.append(source_ts)
            super().emit(tag, value, quality, source_ts)

    out = Out()
    task = asyncio.create_task(OpcUaAdapter(source(shared_server, [tag("M1.run", "run_state")])).run(out))
    try:
        await eventually(lambda: len(out.samples) >= 1)
    finally:
        task.cancel()
    assert seen[0] is not None
    assert seen[0].tzinfo is not None  # type: ignore[attr-defined]


async def test_polling_reads_the_current_values(shared_server: OpcUaPlantServer) -> None:
    await shared_server.write("M2.fault_code", 310)
    out = ListOutput()
    tags = [tag("M2.fault_code", "fault_code"), tag("M2.run", "run_state")]
    task = asyncio.create_task(OpcUaAdapter(source(shared_server, tags, mode="poll")).run(out))
    try:
        await eventually(lambda: 310 in out.values("M2.fault_code"))
        await shared_server.write("M2.run", True)
        await eventually(lambda: True in out.values("M2.run"))
    finally:
        task.cancel()


async def test_the_server_applies_the_analog_deadband(shared_server: OpcUaPlantServer) -> None:
    out = ListOutput()
    task = asyncio.create_task(
        OpcUaAdapter(source(shared_server, [tag("M1.temperature", "analog", deadband=1.0)])).run(out)
    )
    try:
        await eventually(lambda: out.values("M1.temperature") == [0.0])
        for value in (20.0, 20.5, 20.9, 22.0):
            await shared_server.write("M1.temperature", value)
            await asyncio.sleep(0.15)
        await eventually(lambda: out.values("M1.temperature")[-1:] == [22.0])
    finally:
        task.cancel()
    assert out.values("M1.temperature") == [0.0, 20.0, 22.0]


async def test_a_bad_status_gives_no_value_and_bad_quality(shared_server: OpcUaPlantServer) -> None:
    out = ListOutput()
    task = asyncio.create_task(
        OpcUaAdapter(source(shared_server, [tag("M2.temperature", "analog")])).run(out)
    )
    try:
        await eventually(lambda: len(out.samples) == 1)
        node = shared_server.nodes["M2.temperature"]
        await node.write_value(
            ua.DataValue(
                ua.Variant(5.0, ua.VariantType.Double),
                StatusCode=ua.StatusCode(ua.StatusCodes.BadSensorFailure),
            )
        )
        await eventually(lambda: len(out.samples) == 2)
    finally:
        task.cancel()
    assert out.samples[1] == ("M2.temperature", None, "bad")


async def test_a_server_that_stops_answering_is_noticed_by_the_keepalive(
    shared_server: OpcUaPlantServer,
) -> None:
    proxy = FreezableProxy(free_port(), shared_server.port)
    await proxy.start()
    via_proxy = OpcUaPlantServer(["M1"], "127.0.0.1", proxy.port)
    out = ListOutput()
    task = asyncio.create_task(OpcUaAdapter(source(via_proxy, [tag("M1.run", "run_state")])).run(out))
    try:
        await eventually(lambda: len(out.samples) == 1)
        proxy.frozen = True
        with pytest.raises(AdapterError):
            await asyncio.wait_for(task, 10)
    finally:
        task.cancel()
        await proxy.stop()


async def test_a_node_the_server_does_not_know_gives_a_bad_sample(shared_server: OpcUaPlantServer) -> None:
    out = ListOutput()
    tags = [tag("M9.nothing", "run_state"), tag("M2.vibration", "analog")]
    task = asyncio.create_task(OpcUaAdapter(source(shared_server, tags)).run(out))
    try:
        await eventually(lambda: len(out.samples) == 2)
    finally:
        task.cancel()
    assert ("M9.nothing", None, "bad") in out.samples
    assert ("M2.vibration", 0.0, "good") in out.samples
