"""One Modbus TCP connection (the only module that imports pymodbus).

pymodbus 3.16 silently skips a reply whose transaction id differs from the request's and then waits
for the timeout, and it keeps the connection open after a bad reply. This client watches the raw
frames itself (the library's ``trace_packet`` hook): a reply whose transaction id, unit id,
function code or byte count does not match the request in flight fails the read at once. Any
failure closes the connection and raises ``AdapterError``; the caller reconnects. Exactly one
request is in flight per connection (an ``asyncio.Lock``), and the library's own retries and
reconnects are switched off so the runtime's backoff is the only one.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.pdu import ModbusPDU

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.modbus.config import Function

_FUNCTION_CODES: dict[Function, int] = {
    "coils": 1,
    "discrete_inputs": 2,
    "holding_registers": 3,
    "input_registers": 4,
}


@dataclass(slots=True)
class _Expected:
    tid: int
    unit: int
    function_code: int
    byte_count: int
    reader: asyncio.Task[Any]
    violation: str | None = None


class ModbusConnection:
    """A guarded Modbus TCP client: ``connect``, ``read``, ``close``."""

    def __init__(self, host: str, port: int, unit_id: int, timeout_s: float) -> None:
        self.host = host
        self.port = port
        self.unit_id = unit_id
        self.timeout_s = timeout_s
        self._lock = asyncio.Lock()
        self._expected: _Expected | None = None
        self._client: AsyncModbusTcpClient | None = None

    async def connect(self) -> None:
        """Open the TCP connection (raises ``AdapterError``)."""
        self.close()
        client = AsyncModbusTcpClient(
            self.host,
            port=self.port,
            timeout=self.timeout_s,
            retries=0,
            reconnect_delay=0,
            trace_packet=self._trace,
        )
        try:
            ok = await asyncio.wait_for(client.connect(), self.timeout_s + 1)
        except (OSError, TimeoutError, ModbusException) as exc:
            client.close()
            raise AdapterError(f"modbus {self.host}:{self.port}: connect failed: {exc}") from exc
        if not ok:
            client.close()
            raise AdapterError(f"modbus {self.host}:{self.port}: connect failed")
        self._client = client

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.connected

    def close(self) -> None:
        """Drop the connection (idempotent)."""
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()

    async def read(self, function: Function, address: int, count: int) -> list[int] | list[bool]:
        """Read ``count`` registers or bits; exactly ``count`` values come back."""
        async with self._lock:
            client = self._client
            if client is None or not client.connected:
                self.close()
                raise AdapterError(f"modbus {self.host}:{self.port}: not connected")
            code = _FUNCTION_CODES[function]
            byte_count = (count + 7) // 8 if code <= 2 else 2 * count
            # The read is awaited in this task (a task per request costs a noticeable share of a
            # read at thousands a second); a reply that breaks the protocol cancels it.
            reader = asyncio.current_task()
            assert reader is not None
            expected = self._expected = _Expected(-1, self.unit_id, code, byte_count, reader)
            try:
                try:
                    async with asyncio.timeout(self.timeout_s):
                        response = await self._call(client, function, address, count)
                except asyncio.CancelledError:
                    if expected.violation is None or reader.uncancel() > 0:
                        raise  # cancelled from outside: not ours to swallow
                    raise AdapterError(f"modbus {self.host}:{self.port}: {expected.violation}") from None
                if expected.violation is not None:
                    # The library may have absorbed the cancel and returned what it parsed.
                    if reader.cancelling():
                        reader.uncancel()
                    raise AdapterError(f"modbus {self.host}:{self.port}: {expected.violation}")
                return self._values(response, code, count)
            except TimeoutError:
                self.close()
                raise AdapterError(
                    f"modbus {self.host}:{self.port}: no reply within {self.timeout_s}s"
                ) from None
            except AdapterError:
                self.close()
                raise
            except (ModbusException, OSError) as exc:
                self.close()
                raise AdapterError(f"modbus {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc
            finally:
                self._expected = None

    async def _call(
        self, client: AsyncModbusTcpClient, function: Function, address: int, count: int
    ) -> ModbusPDU:
        dev = self.unit_id
        if function == "coils":
            return await client.read_coils(address, count=count, device_id=dev)
        if function == "discrete_inputs":
            return await client.read_discrete_inputs(address, count=count, device_id=dev)
        if function == "holding_registers":
            return await client.read_holding_registers(address, count=count, device_id=dev)
        return await client.read_input_registers(address, count=count, device_id=dev)

    def _values(self, response: ModbusPDU, code: int, count: int) -> list[int] | list[bool]:
        where = f"modbus {self.host}:{self.port}"
        if response.isError():
            raise AdapterError(f"{where}: exception reply {getattr(response, 'exception_code', '?')}")
        if response.function_code != code:
            raise AdapterError(f"{where}: reply function code {response.function_code}, expected {code}")
        if code <= 2:
            bits = list(response.bits)
            if len(bits) < count:
                raise AdapterError(f"{where}: reply has {len(bits)} bits, expected {count}")
            return [bool(b) for b in bits[:count]]
        registers = list(response.registers)
        if len(registers) != count:
            raise AdapterError(f"{where}: reply has {len(registers)} registers, expected {count}")
        return registers

    def _trace(self, sending: bool, data: bytes) -> bytes:
        """Check each raw frame against the request in flight (MBAP header + PDU head)."""
        expected = self._expected
        if expected is None or expected.violation is not None or len(data) < 8:
            return data
        tid = int.from_bytes(data[0:2], "big")
        if sending:
            expected.tid = tid
            return data
        unit, code = data[6], data[7]
        problem = ""
        if tid != expected.tid:
            problem = f"reply transaction id {tid}, expected {expected.tid}"
        elif int.from_bytes(data[2:4], "big") != 0:
            problem = "reply protocol id is not 0"
        elif expected.unit and unit != expected.unit:
            problem = f"reply unit id {unit}, expected {expected.unit}"
        elif code == expected.function_code | 0x80:
            return data
        elif code != expected.function_code:
            problem = f"reply function code {code}, expected {expected.function_code}"
        elif len(data) >= 9 and data[8] != expected.byte_count:
            problem = f"reply byte count {data[8]}, expected {expected.byte_count}"
        elif len(data) >= 6 and int.from_bytes(data[4:6], "big") != expected.byte_count + 3:
            problem = (
                f"reply length field {int.from_bytes(data[4:6], 'big')}, expected {expected.byte_count + 3}"
            )
        if problem:
            expected.violation = problem
            expected.reader.cancel()
        return data
