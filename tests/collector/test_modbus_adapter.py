"""The Modbus adapter against a real pymodbus server: every data type and byte order."""

from __future__ import annotations

import pytest

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.modbus.adapter import ModbusAdapter
from backend.collector.adapters.modbus.client import ModbusConnection
from backend.collector.adapters.modbus.codec import WordOrder
from backend.collector.adapters.modbus.config import ModbusSource, ModbusTag
from backend.collector.simulate.modbus_server import ModbusPlantServer
from tests.collector.conftest import ListOutput

VALUES = {
    "int16": -12345,
    "uint16": 54321,
    "int32": -1234567890,
    "uint32": 3_000_000_000,
    "float32": 123.456,
    "float64": -98765.4321,
}


def source(
    server: ModbusPlantServer, tags: list[ModbusTag], max_gap: int = 8, poll_interval_ms: int = 1000
) -> ModbusSource:
    return ModbusSource(
        name="mb",
        host=server.host,
        port=server.port,
        tags=tags,
        timeout_s=1.0,
        max_gap=max_gap,
        poll_interval_ms=poll_interval_ms,
    )


@pytest.mark.parametrize("order", ["ABCD", "CDAB", "BADC", "DCBA"])
@pytest.mark.parametrize("function", ["holding_registers", "input_registers"])
async def test_every_data_type_reads_back_in_every_byte_order(
    modbus_server: ModbusPlantServer, function: str, order: WordOrder
) -> None:
    tags = []
    address = 1000
    for data_type, value in VALUES.items():
        await modbus_server.set_value(function, address, value, data_type, order)
        tags.append(
            ModbusTag(
                name=data_type,
                asset="M1",
                role="analog",
                function=function,  # type: ignore[arg-type]
                address=address,
                data_type=data_type,  # type: ignore[arg-type]
                byte_order=order,
            )
        )
        address += 4
    adapter = ModbusAdapter(source(modbus_server, tags))
    conn = ModbusConnection(modbus_server.host, modbus_server.port, 1, 1.0)
    await conn.connect()
    out = ListOutput()
    try:
        await adapter.poll_once(conn, out)
    finally:
        conn.close()
    assert len(adapter.plan) == 1
    got = {name: value for name, value, _ in out.samples}
    assert got["float32"] == 123.456
    assert got["float64"] == pytest.approx(-98765.4321, rel=1e-15)
    assert {k: got[k] for k in ("int16", "uint16", "int32", "uint32")} == {
        k: VALUES[k] for k in ("int16", "uint16", "int32", "uint32")
    }


@pytest.mark.parametrize("function", ["coils", "discrete_inputs"])
async def test_bits_read_as_booleans_at_their_address(
    modbus_server: ModbusPlantServer, function: str
) -> None:
    await modbus_server.set_values(
        function, 100, [False, True, False, False, False, False, False, False, False, True]
    )
    tags = [
        ModbusTag(name=f"b{a}", asset="M1", role="run_state", function=function, address=a, data_type="bool")  # type: ignore[arg-type]
        for a in (100, 101, 109)
    ]
    conn = ModbusConnection(modbus_server.host, modbus_server.port, 1, 1.0)
    await conn.connect()
    out = ListOutput()
    try:
        await ModbusAdapter(source(modbus_server, tags)).poll_once(conn, out)
    finally:
        conn.close()
    assert out.samples == [("b100", False, "good"), ("b101", True, "good"), ("b109", True, "good")]


async def test_scale_and_offset_give_engineering_units(modbus_server: ModbusPlantServer) -> None:
    await modbus_server.set_values("holding_registers", 50, [215])
    tag = ModbusTag(
        name="t",
        asset="M1",
        role="analog",
        function="holding_registers",
        address=50,
        scale=0.1,
        offset=-273.15,
    )
    conn = ModbusConnection(modbus_server.host, modbus_server.port, 1, 1.0)
    await conn.connect()
    out = ListOutput()
    try:
        await ModbusAdapter(source(modbus_server, [tag])).poll_once(conn, out)
    finally:
        conn.close()
    assert out.values("t") == [pytest.approx(21.5 - 273.15)]


async def test_an_exception_reply_is_an_adapter_error(modbus_server: ModbusPlantServer) -> None:
    conn = ModbusConnection(modbus_server.host, modbus_server.port, 1, 1.0)
    await conn.connect()
    with pytest.raises(AdapterError, match="exception reply"):
        await conn.read("holding_registers", 1999, 2)
    assert not conn.connected


async def test_a_closed_port_is_an_adapter_error(modbus_server: ModbusPlantServer) -> None:
    await modbus_server.stop()
    conn = ModbusConnection(modbus_server.host, modbus_server.port, 1, 0.5)
    with pytest.raises(AdapterError, match="connect failed"):
        await conn.connect()


async def test_the_adapter_reports_connected_then_polls(modbus_server: ModbusPlantServer) -> None:
    import asyncio

    await modbus_server.set_value("holding_registers", 1, 42, "uint32", "ABCD")
    tag = ModbusTag(
        name="g", asset="M1", role="good_count", function="holding_registers", address=1, data_type="uint32"
    )
    out = ListOutput()
    task = asyncio.create_task(ModbusAdapter(source(modbus_server, [tag])).run(out))
    try:
        await asyncio.wait_for(out.event.wait(), 5)
    finally:
        task.cancel()
    assert out.connected_calls == 1
    assert out.values("g")[0] == 42


class ByExceptionOutput(ListOutput):
    """An output that drops repeated values: the adapter may skip replies that did not change."""

    report_by_exception = True


async def test_a_reply_equal_to_the_last_is_skipped_and_a_changed_one_decoded(
    modbus_server: ModbusPlantServer,
) -> None:
    import asyncio

    from tests.collector.conftest import eventually

    await modbus_server.set_values("holding_registers", 10, [7, 8])
    tags = [
        ModbusTag(name=f"r{a}", asset="M1", role="analog", function="holding_registers", address=a)
        for a in (10, 11)
    ]
    adapter = ModbusAdapter(source(modbus_server, tags, poll_interval_ms=5))
    out = ByExceptionOutput()
    task = asyncio.create_task(adapter.run(out))
    try:
        await eventually(lambda: adapter.cycles >= 20)
        assert out.samples == [("r10", 7, "good"), ("r11", 8, "good")]
        await modbus_server.set_values("holding_registers", 11, [9])
        await eventually(lambda: len(out.samples) == 4)
        await eventually(lambda: adapter.cycles >= 40)
    finally:
        task.cancel()
    assert out.samples[2:] == [("r10", 7, "good"), ("r11", 9, "good")]


async def test_every_reply_is_decoded_when_every_value_is_kept(modbus_server: ModbusPlantServer) -> None:
    import asyncio

    from tests.collector.conftest import eventually

    await modbus_server.set_values("holding_registers", 10, [7])
    tag = ModbusTag(name="r10", asset="M1", role="analog", function="holding_registers", address=10)
    adapter = ModbusAdapter(source(modbus_server, [tag], poll_interval_ms=5))
    out = ListOutput()
    task = asyncio.create_task(adapter.run(out))
    try:
        await eventually(lambda: adapter.cycles >= 10)
    finally:
        task.cancel()
    assert len(out.values("r10")) >= 9
    assert set(out.values("r10")) == {7}
