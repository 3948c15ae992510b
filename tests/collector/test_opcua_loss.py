"""The OPC UA adapter notices a server that goes away, and one that is not there."""

from __future__ import annotations

import asyncio

import pytest

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.opcua.adapter import OpcUaAdapter
from backend.collector.simulate.opcua_server import OpcUaPlantServer
from tests.collector.conftest import ListOutput, eventually, free_port
from tests.collector.test_opcua_adapter import source, tag


async def test_a_stopped_server_ends_the_session_with_an_adapter_error(
    opcua_server: OpcUaPlantServer,
) -> None:
    out = ListOutput()
    task = asyncio.create_task(OpcUaAdapter(source(opcua_server, [tag("M1.run", "run_state")])).run(out))
    await eventually(lambda: len(out.samples) == 1)
    await opcua_server.stop()
    with pytest.raises(AdapterError):
        await asyncio.wait_for(task, 10)


async def test_an_unreachable_endpoint_is_an_adapter_error() -> None:
    nobody = OpcUaPlantServer(["M1"], "127.0.0.1", free_port())
    with pytest.raises(AdapterError, match="connect failed"):
        await OpcUaAdapter(source(nobody, [tag("M1.run", "run_state")])).run(ListOutput())
