"""A Modbus peer that answers garbage or too slowly fails the read at once and drops the connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.modbus.client import ModbusConnection
from tests.collector._bad_modbus import BadModbusServer
from tests.collector.conftest import free_port


@pytest.fixture
async def bad_server(request: pytest.FixtureRequest) -> AsyncIterator[BadModbusServer]:
    server = BadModbusServer(free_port(), request.param, delay_s=2.0)
    await server.start()
    yield server
    await server.stop()


async def _read(server: BadModbusServer, timeout_s: float = 1.0) -> ModbusConnection:
    conn = ModbusConnection("127.0.0.1", server.port, 1, timeout_s)
    await conn.connect()
    await conn.read("holding_registers", 0, 10)
    return conn


@pytest.mark.parametrize("bad_server", ["ok"], indirect=True)
async def test_a_correct_reply_is_accepted(bad_server: BadModbusServer) -> None:
    conn = await _read(bad_server)
    assert conn.connected
    conn.close()


@pytest.mark.parametrize("bad_server", ["tid"], indirect=True)
async def test_a_wrong_transaction_id_fails_and_closes_the_connection(bad_server: BadModbusServer) -> None:
    conn = ModbusConnection("127.0.0.1", bad_server.port, 1, 5.0)
    await conn.connect()
    with pytest.raises(AdapterError, match="transaction id"):
        await conn.read("holding_registers", 0, 10)
    assert not conn.connected


@pytest.mark.parametrize("bad_server", ["function"], indirect=True)
async def test_a_wrong_function_code_fails_the_read(bad_server: BadModbusServer) -> None:
    with pytest.raises(AdapterError, match="function code"):
        await _read(bad_server, timeout_s=5.0)


@pytest.mark.parametrize("bad_server", ["length"], indirect=True)
async def test_a_short_reply_fails_the_read(bad_server: BadModbusServer) -> None:
    with pytest.raises(AdapterError, match="byte count"):
        await _read(bad_server, timeout_s=5.0)


@pytest.mark.parametrize("bad_server", ["garbage"], indirect=True)
async def test_garbage_fails_the_read(bad_server: BadModbusServer) -> None:
    with pytest.raises(AdapterError):
        await _read(bad_server, timeout_s=0.5)


@pytest.mark.parametrize("bad_server", ["slow"], indirect=True)
async def test_a_reply_slower_than_the_timeout_fails_the_read(bad_server: BadModbusServer) -> None:
    with pytest.raises(AdapterError, match="no reply"):
        await _read(bad_server, timeout_s=0.3)
