"""Collector throughput against the bare protocol libraries, in one run, on loopback.

Prints one JSON line per benchmark:

- ``collector.opcua_subscription``: samples/s the collector puts into its spool from an OPC UA
  subscription of 1,000 items, against the notifications/s a bare asyncua client receives from
  the same server with the same monitored-item parameters.
- ``collector.modbus_every_value`` (report only): samples/s the collector spools polling 125
  holding registers (one ``uint16`` tag each, every polled value kept as a sample) on one
  connection, against the registers/s a bare pymodbus client reads with back-to-back
  125-register requests. It prices making a sample of each of half a million values a second;
  the collector as configured reports by exception, and ``ingest_throughput.py`` measures its
  Modbus reads/s all the way into the database against the goal.

The servers run in a separate process so client and server do not share a core. Each phase
measures a fixed window after a warm-up, the two sides alternate for ``ROUNDS`` rounds and each
keeps its best; the whole run stays under a minute. ``cpu_us_per_sample`` is this process's CPU
time per sample (it shows the collector's overhead even when the server sets the pace).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing as mp
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

ITEMS = 1000
REGISTERS = 125
WARMUP_S = 1.0
WINDOW_S = 3.0
ROUNDS = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


MODBUS_CHANGE_S = 0.1
"""`modbus_live`: every register gets a new value this often (a PLC's values change far more
slowly than a collector can poll them)."""


def _serve(kind: str, port: int, ready: mp.synchronize.Event) -> None:  # type: ignore[name-defined]
    logging.basicConfig(level=logging.CRITICAL)
    for name in ("asyncua", "pymodbus"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if kind == "opcua":
        asyncio.run(_serve_opcua(port, ready))
    else:
        asyncio.run(_serve_modbus(port, ready, MODBUS_CHANGE_S if kind == "modbus_live" else None))


async def _serve_modbus(port: int, ready: mp.synchronize.Event, change_s: float | None) -> None:  # type: ignore[name-defined]
    from backend.collector.simulate.modbus_server import ModbusPlantServer

    modbus = ModbusPlantServer([], "127.0.0.1", port)
    await modbus.start()
    await modbus.set_values("holding_registers", 0, list(range(REGISTERS)))
    ready.set()
    tick = 0
    while change_s is not None:
        await asyncio.sleep(change_s)
        tick += 1
        await modbus.set_values("holding_registers", 0, [(tick * 7 + a) % 65536 for a in range(REGISTERS)])
    await asyncio.Event().wait()


async def _serve_opcua(ua_port: int, ready: mp.synchronize.Event) -> None:  # type: ignore[name-defined]
    """1,000 UInt32 variables, each rewritten with a new value as fast as the server can."""
    from asyncua import ua
    from asyncua.server.server import Server

    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{ua_port}/bench/")
    ns = await server.register_namespace("urn:gemba:bench")
    folder = await server.nodes.objects.add_folder(ua.NodeId.from_string(f"ns={ns};s=bench"), "bench")
    nodes = [
        await folder.add_variable(
            ua.NodeId.from_string(f"ns={ns};s=v{i}"), f"v{i}", ua.Variant(0, ua.VariantType.UInt32)
        )
        for i in range(ITEMS)
    ]
    await server.start()
    ready.set()
    ids = [node.nodeid for node in nodes]
    value = 0
    while True:
        value += 1
        for i, nodeid in enumerate(ids):
            await server.write_attribute_value(nodeid, ua.DataValue(ua.Variant(value, ua.VariantType.UInt32)))
            if i % 50 == 0:
                await asyncio.sleep(0)


async def _bare_opcua(endpoint: str, node_ids: list[str]) -> tuple[float, float]:
    from asyncua.client.client import Client

    client = Client(endpoint, timeout=10)
    await client.connect()
    count = 0

    class Handler:
        def datachange_notification(self, node: object, val: object, data: object) -> None:
            nonlocal count
            count += 1

    try:
        sub = await client.create_subscription(100, Handler())
        nodes = [client.get_node(n) for n in node_ids]
        for start in range(0, len(nodes), 500):
            await sub.subscribe_data_change(nodes[start : start + 500], queuesize=10, sampling_interval=0)
        await asyncio.sleep(WARMUP_S)
        begin, t0, c0 = count, time.perf_counter(), time.process_time()
        await asyncio.sleep(WINDOW_S)
        done, t1, c1 = count - begin, time.perf_counter(), time.process_time()
        await sub.delete()
    finally:
        await client.disconnect()
    return done / (t1 - t0), (c1 - c0) / max(done, 1)


def _collector_config(tmp: Path, sources: str) -> str:
    return f"""
[collector]
name = "bench"
heartbeat_s = 3600
flush_interval_ms = 200

[api]
url = "http://127.0.0.1:{_free_port()}"
token = "bench"
send_interval_ms = 600000
retry_max_ms = 600000

[spool]
path = "{tmp / "spool.db"}"
max_bytes = 2000000000
{sources}
"""


async def _collector_rate(config_text: str, source: str, keep_every_value: bool) -> tuple[float, float]:
    from backend.collector.config import parse_config
    from backend.collector.runtime import Collector

    collector = Collector(parse_config(config_text))
    if keep_every_value:
        collector.emitters[source].report_by_exception = False
    task = asyncio.create_task(collector.run())
    try:
        await asyncio.sleep(WARMUP_S)
        begin, t0, c0 = collector.spooled, time.perf_counter(), time.process_time()
        await asyncio.sleep(WINDOW_S)
        done, t1, c1 = collector.spooled - begin, time.perf_counter(), time.process_time()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return done / (t1 - t0), (c1 - c0) / max(done, 1)


async def _best_of(
    bare: Callable[[], Awaitable[tuple[float, float]]],
    collector: Callable[[int], Awaitable[tuple[float, float]]],
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Alternate the two sides ``ROUNDS`` times (the machine's load changes during a run) and keep
    each side's best round."""
    bares, ours = [], []
    for i in range(ROUNDS):
        bares.append(await bare())
        ours.append(await collector(i))
    return max(bares), max(ours)


async def _opcua(tmp: Path, endpoint: str) -> dict[str, object]:
    node_ids = [f"ns=2;s=v{i}" for i in range(ITEMS)]
    tags = "".join(
        f'\n  [[sources.tags]]\n  name = "v{i}"\n  asset = "B"\n  role = "cycle_count"\n  node_id = "{n}"\n'
        for i, n in enumerate(node_ids)
    )
    source = f"""
[[sources]]
kind = "opcua"
name = "ua"
endpoint = "{endpoint}"
publishing_interval_ms = 100
sampling_interval_ms = 0
queue_size = 10
timeout_s = 10
{tags}"""
    baseline, value = await _best_of(
        lambda: _bare_opcua(endpoint, node_ids),
        lambda i: _collector_rate(_collector_config(tmp / f"ua{i}", source), "ua", keep_every_value=False),
    )
    return _line("collector.opcua_subscription", value, baseline)


async def _bare_modbus(port: int) -> tuple[float, float]:
    from pymodbus.client import AsyncModbusTcpClient

    client = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=3, retries=0, reconnect_delay=0)
    await client.connect()
    try:
        deadline = time.perf_counter() + WARMUP_S
        while time.perf_counter() < deadline:
            await client.read_holding_registers(0, count=REGISTERS, device_id=1)
        reads, t0, c0 = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - t0 < WINDOW_S:
            response = await client.read_holding_registers(0, count=REGISTERS, device_id=1)
            assert len(response.registers) == REGISTERS
            reads += 1
        values = reads * REGISTERS
        return values / (time.perf_counter() - t0), (time.process_time() - c0) / values
    finally:
        client.close()


async def _modbus(tmp: Path, port: int) -> dict[str, object]:
    tags = "".join(
        f'\n  [[sources.tags]]\n  name = "r{a}"\n  asset = "B"\n  role = "analog"\n'
        f'  function = "holding_registers"\n  address = {a}\n  data_type = "uint16"\n'
        for a in range(REGISTERS)
    )
    source = f"""
[[sources]]
kind = "modbus"
name = "mb"
host = "127.0.0.1"
port = {port}
poll_interval_ms = 0
timeout_s = 3
{tags}"""
    baseline, value = await _best_of(
        lambda: _bare_modbus(port),
        lambda i: _collector_rate(_collector_config(tmp / f"mb{i}", source), "mb", keep_every_value=True),
    )
    return {**_line("collector.modbus_every_value", value, baseline), "goal": "report"}


def _line(name: str, value: tuple[float, float], baseline: tuple[float, float]) -> dict[str, object]:
    """The rates plus the client CPU seconds per sample (shows the overhead when the server
    rather than the client sets the pace)."""
    return {
        "bench": name,
        "value": round(value[0], 1),
        "baseline": round(baseline[0], 1),
        "ratio": round(value[0] / baseline[0], 3) if baseline[0] else None,
        "unit": "samples/s",
        "goal": ">= 0.8",
        "cpu_us_per_sample": round(value[1] * 1e6, 2),
        "baseline_cpu_us_per_sample": round(baseline[1] * 1e6, 2),
    }


async def _main() -> None:
    logging.basicConfig(level=logging.ERROR)
    for name in ("asyncua", "pymodbus", "backend.collector"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        with _server_process("opcua", port):
            print(json.dumps(await _opcua(Path(tmp), f"opc.tcp://127.0.0.1:{port}/bench/")), flush=True)
        port = _free_port()
        with _server_process("modbus", port):
            print(json.dumps(await _modbus(Path(tmp), port)), flush=True)


@contextlib.contextmanager
def _server_process(kind: str, port: int) -> Iterator[None]:
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    server = ctx.Process(target=_serve, args=(kind, port, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(60):
            raise RuntimeError(f"bench {kind} server did not start")
        yield
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    asyncio.run(_main())
