"""The plant's Modbus TCP server (pymodbus), with a fixed register map per machine.

Machine ``i`` (0-based, in the order given) uses coil ``i`` (run bit, also discrete input ``i``)
and 20 holding registers from ``20 * i``:

====== ======= ========= ===========
offset tag     type      byte order
====== ======= ========= ===========
0      fault   uint16    ABCD
1      good    uint32    ABCD
3      scrap   uint32    ABCD
6      hours   float64   ABCD
10     temp    float32   CDAB
12     vibr.   float32   ABCD
====== ======= ========= ===========

Registers up to 1999 of every table exist, so tests can place any value anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from backend.collector.adapters.modbus.codec import encode
from backend.collector.simulate.machine import MachineState

SIZE = 2_000
STRIDE = 20
LAYOUT: dict[str, tuple[int, str, str]] = {
    "fault_code": (0, "uint16", "ABCD"),
    "good": (1, "uint32", "ABCD"),
    "scrap": (3, "uint32", "ABCD"),
    "run_hours": (6, "float64", "ABCD"),
    "temperature": (10, "float32", "CDAB"),
    "vibration": (12, "float32", "ABCD"),
}
_CODES = {"coils": 1, "discrete_inputs": 2, "holding_registers": 3, "input_registers": 4}


class ModbusPlantServer:
    """An in-process Modbus TCP server; ``start``/``stop`` may be called again on the same port."""

    def __init__(self, machines: list[str], host: str = "127.0.0.1", port: int = 5020) -> None:
        self.machines = machines
        self.host = host
        self.port = port
        self.server: ModbusTcpServer | None = None
        self._shadow: dict[tuple[int, int], list[int] | list[bool]] = {}

    async def start(self) -> None:
        device = SimDevice(
            id=0,
            simdata=(
                [SimData(0, count=SIZE, values=False, datatype=DataType.BITS)],
                [SimData(0, count=SIZE, values=False, datatype=DataType.BITS)],
                [SimData(0, count=SIZE, values=0, datatype=DataType.REGISTERS)],
                [SimData(0, count=SIZE, values=0, datatype=DataType.REGISTERS)],
            ),
        )
        server = ModbusTcpServer(device, address=(self.host, self.port))
        await server.serve_forever(background=True)
        self.server = server
        for (code, address), values in list(self._shadow.items()):
            await server.async_setValues(0, code, address, values)

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            await server.shutdown()  # type: ignore[no-untyped-call]

    async def set_values(self, function: str, address: int, values: Sequence[int] | Sequence[bool]) -> None:
        """Write raw registers (or bits) into ``function``'s table (kept across restarts)."""
        code = _CODES[function]
        vals: list[int] | list[bool] = [bool(v) for v in values] if code <= 2 else [int(v) for v in values]
        for i, v in enumerate(vals):
            self._shadow[(code, address + i)] = [v]
        if self.server is not None:
            await self.server.async_setValues(0, code, address, vals)

    async def set_value(self, function: str, address: int, value: float, data_type: str, order: str) -> None:
        """Write one typed value with the given byte order."""
        await self.set_values(function, address, encode(value, data_type, order))  # type: ignore[arg-type]

    async def publish(self, index: int, state: MachineState) -> None:
        await self.set_values("coils", index, [state.run])
        await self.set_values("discrete_inputs", index, [state.run])
        base = STRIDE * index
        for tag, (offset, data_type, order) in LAYOUT.items():
            await self.set_value("holding_registers", base + offset, getattr(state, tag), data_type, order)
