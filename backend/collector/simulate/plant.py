"""The simulated plant: machines stepped on a clock and mirrored into both PLC servers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path

from backend.collector.simulate.config_writer import write_collector_config
from backend.collector.simulate.machine import Machine
from backend.collector.simulate.modbus_server import ModbusPlantServer
from backend.collector.simulate.opcua_server import OpcUaPlantServer

log = logging.getLogger(__name__)

# How the machines behave (``Machine`` keyword arguments) under ``gemba simulate --profile``.
PROFILES: dict[str, dict[str, float]] = {
    # A stop about every two minutes of running, always with a fault code: lively, for tests.
    "lively": {},
    # The demo plant: a stop every five minutes or so, a third of them with a fault code (those
    # last a few minutes: tickets); the others are short (micro-stops, some downtime).
    "demo": {
        "stop_chance_per_min": 0.2,
        "fault_share": 0.35,
        "mean_stop_s": 45.0,
        "mean_fault_stop_s": 180.0,
    },
}


class Plant:
    """Every machine is served on both servers; ``tick`` advances the simulation by ``dt``."""

    def __init__(
        self,
        machines: list[str],
        *,
        host: str = "127.0.0.1",
        opcua_port: int = 4840,
        modbus_port: int = 5020,
        seed: int = 0,
        random_stops: bool = True,
        cycle_s: float = 2.0,
        behaviour: Mapping[str, float] | None = None,
    ) -> None:
        """``behaviour`` is passed to every ``Machine`` (stop rate, fault share, stop lengths)."""
        self.machines = {
            code: Machine(code, seed, random_stops=random_stops, cycle_s=cycle_s, **(behaviour or {}))
            for code in machines
        }
        self.opcua = OpcUaPlantServer(machines, host, opcua_port)
        self.modbus = ModbusPlantServer(machines, host, modbus_port)

    async def start(self) -> None:
        await self.opcua.start()
        await self.modbus.start()
        await self.publish()

    async def stop(self) -> None:
        await self.opcua.stop()
        await self.modbus.stop()

    async def publish(self) -> None:
        for index, (code, machine) in enumerate(self.machines.items()):
            state = machine.state
            if self.opcua.server is not None:
                await self.opcua.publish(code, state)
            if self.modbus.server is not None:
                await self.modbus.publish(index, state)

    async def tick(self, dt: float) -> None:
        for machine in self.machines.values():
            machine.step(dt)
        await self.publish()

    async def force_stop(self, code: str, fault_code: int = 999) -> None:
        self.machines[code].force_stop(fault_code)
        await self.publish()

    async def force_start(self, code: str) -> None:
        self.machines[code].force_start()
        await self.publish()

    async def run(self, tick_s: float = 0.5) -> None:
        """Step the machines every ``tick_s`` until cancelled."""
        while True:
            await asyncio.sleep(tick_s)
            await self.tick(tick_s)


async def run_simulators(
    machines: list[str],
    *,
    host: str = "127.0.0.1",
    opcua_port: int = 4840,
    modbus_port: int = 5020,
    seed: int = 0,
    tick_s: float = 0.5,
    config_path: str | Path | None = None,
    api_url: str = "http://127.0.0.1:8000",
    token: str = "change-me",
    spool_path: str = "var/collector-spool.db",
    profile: str = "lively",
) -> None:
    """Entry point of ``gemba simulate``: serve the plant until cancelled.

    Machines alternate between the protocols in the written config (first on OPC UA, second on
    Modbus, ...); both servers serve every machine. ``profile`` names a ``PROFILES`` entry.
    """
    plant = Plant(
        machines,
        host=host,
        opcua_port=opcua_port,
        modbus_port=modbus_port,
        seed=seed,
        behaviour=PROFILES[profile],
    )
    await plant.start()
    if config_path is not None:
        write_collector_config(
            config_path,
            opcua_machines=machines[0::2],
            modbus_machines=machines[1::2],
            all_machines=machines,
            opcua_endpoint=plant.opcua.endpoint,
            modbus_host=host,
            modbus_port=modbus_port,
            api_url=api_url,
            token=token,
            spool_path=spool_path,
        )
        log.info("collector config written to %s", config_path)
    log.info(
        "simulated plant: OPC UA %s, Modbus %s:%d, machines %s",
        plant.opcua.endpoint,
        host,
        modbus_port,
        machines,
    )
    try:
        await plant.run(tick_s)
    finally:
        await plant.stop()
