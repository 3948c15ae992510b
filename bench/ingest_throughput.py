"""Collector throughput all the way into the API's database, against the bare protocol libraries.

Like `collector_throughput.py` (same servers, same tags, same bare baselines), but the collector's
rate is what the API accepted and committed: samples/s of 2xx answers to its batches. The API
runs as its own process (uvicorn, background jobs off) on a fresh SQLite file (or
`--database-url`, an empty PostgreSQL database); the PLC server runs in a third process.

- `ingest.opcua_subscription`: 1,000 UInt32 items rewritten as fast as the server can, read as
  `analog` tags of 10 machines (100 each) by subscription, each with the bare client's queue of 10
  (an analog tag's default queue of 1 would keep only the latest value of each publish);
- `ingest.modbus_poll`: reads/s of 125 holding registers polled back to back whose every new
  value (a server that changes all 125 every 100 ms; the collector reports by exception, as
  configured by default) is stored in the database, against pymodbus' bare reads/s. The figure
  is the collector's read rate times the share of its samples the database holds after a short
  drain, so a pipeline that cannot keep up scores low.
- `ingest.modbus_every_value` (report only): the same reads with every one of the 125 values of
  every read kept and stored, as samples/s against the bare values/s; a database row per value
  read thousands of times a second shows where storage, not the protocol, sets the pace.

Every sample becomes a stored signal value and goes through the ingest hooks (PM condition plans
and meters, production counts, downtime). Issue 5's goal is >= 0.8 of the bare rate.
Bounded: about two minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from backend.collector.config import parse_config
from backend.collector.runtime import Collector
from backend.db import migrate
from backend.db.engine import make_engine, make_sessionmaker
from backend.db.registry import import_all_models
from backend.settings import PROJECT_ROOT
from bench.collector_throughput import (
    ITEMS,
    REGISTERS,
    _bare_modbus,
    _bare_opcua,
    _free_port,
    _server_process,
)
from tests.factories import Factory
from tests.factories.machines import collector_token

WARMUP_S = 2.0
WINDOW_S = 8.0
OPCUA_MACHINES = 10


async def _arrange(url: str) -> str:
    import_all_models()
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            f = Factory(session)
            site = await f.site()
            line = await f.asset(site, level="line")
            for code in [*(f"UA{i}" for i in range(OPCUA_MACHINES)), "MB"]:
                await f.asset(site, parent=line, code=code)
            return await collector_token(f, site)
    finally:
        await engine.dispose()


@contextlib.contextmanager
def _api(url: str, port: int, log: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMBA_")}
    env.update(
        GEMBA_DATABASE_URL=url, GEMBA_DEMO="false", GEMBA_BACKGROUND_JOBS="false", GEMBA_LOG_LEVEL="error"
    )
    command = [sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the API did not start:\n{log.read_text()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _config(tmp: Path, api: str, token: str, sources: str) -> str:
    return f"""
[collector]
name = "bench-ingest"
heartbeat_s = 3600
flush_interval_ms = 200

[api]
url = "{api}"
token = "{token}"
batch_size = 1000
send_interval_ms = 200
timeout_s = 60
retry_max_ms = 1000

[spool]
path = "{tmp / "spool.db"}"
max_bytes = 2000000000
{sources}
"""


async def _into_database(config_text: str, source: str, keep_every_value: bool) -> float:
    """Samples/s the API accepted (2xx) during the window, after a warm-up."""
    collector = Collector(parse_config(config_text))
    if keep_every_value:
        collector.emitters[source].report_by_exception = False
    task = asyncio.create_task(collector.run())
    try:
        await asyncio.sleep(WARMUP_S)
        begin, t0 = collector.sink.stats.sent_samples, time.perf_counter()
        await asyncio.sleep(WINDOW_S)
        done, t1 = collector.sink.stats.sent_samples - begin, time.perf_counter()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return done / (t1 - t0)


DRAIN_S = 5.0


async def _reads_into_database(config_text: str, source: str) -> tuple[float, int, int]:
    """Modbus reads/s during the window, the samples emitted and the samples the API accepted
    once the spool drained (the collector keeps polling until then)."""
    from backend.collector.adapters.modbus import adapter as modbus_adapter

    reads = 0
    news = modbus_adapter.ModbusAdapter._news  # every reply passes here once

    def counting(self: Any, out: Any, read: Any, values: Any) -> bool:
        nonlocal reads
        reads += 1
        return news(self, out, read, values)

    modbus_adapter.ModbusAdapter._news = counting  # type: ignore[method-assign]
    collector = Collector(parse_config(config_text))
    task = asyncio.create_task(collector.run())
    try:
        await asyncio.sleep(WARMUP_S)
        begin, t0 = reads, time.perf_counter()
        await asyncio.sleep(WINDOW_S)
        done, t1 = reads - begin, time.perf_counter()
        emitted_at_end = collector.emitters[source].emitted
        deadline = time.perf_counter() + DRAIN_S
        while collector.sink.stats.sent_samples < emitted_at_end and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        stored = min(collector.sink.stats.sent_samples, emitted_at_end)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        modbus_adapter.ModbusAdapter._news = news  # type: ignore[method-assign]
    return done / (t1 - t0), emitted_at_end, stored


def _opcua_source(endpoint: str) -> str:
    tags = "".join(
        f'\n  [[sources.tags]]\n  name = "v{i}"\n  asset = "UA{i % OPCUA_MACHINES}"\n  role = "analog"\n'
        f'  node_id = "ns=2;s=v{i}"\n  queue_size = 10\n'
        for i in range(ITEMS)
    )
    return f"""
[[sources]]
kind = "opcua"
name = "ua"
endpoint = "{endpoint}"
publishing_interval_ms = 100
sampling_interval_ms = 0
queue_size = 10
timeout_s = 10
{tags}"""


def _modbus_source(port: int) -> str:
    tags = "".join(
        f'\n  [[sources.tags]]\n  name = "r{a}"\n  asset = "MB"\n  role = "analog"\n'
        f'  function = "holding_registers"\n  address = {a}\n  data_type = "uint16"\n'
        for a in range(REGISTERS)
    )
    return f"""
[[sources]]
kind = "modbus"
name = "mb"
host = "127.0.0.1"
port = {port}
poll_interval_ms = 0
timeout_s = 3
{tags}"""


def _line(name: str, value: float, baseline: float, database: str) -> dict[str, object]:
    return {
        "bench": name,
        "value": round(value, 1),
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 4) if baseline else None,
        "unit": "samples/s",
        "goal": ">= 0.8",
        "database": database,
    }


async def run(database_url: str | None) -> None:
    database = "postgresql" if database_url else "sqlite"
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        url = database_url or f"sqlite+aiosqlite:///{tmp / 'ingest.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        token = await _arrange(url)
        with _api(url, _free_port(), tmp / "api.log") as api:
            port = _free_port()
            with _server_process("opcua", port):
                endpoint = f"opc.tcp://127.0.0.1:{port}/bench/"
                bare, _cpu = await _bare_opcua(endpoint, [f"ns=2;s=v{i}" for i in range(ITEMS)])
                (tmp / "ua").mkdir()
                ours = await _into_database(
                    _config(tmp / "ua", api, token, _opcua_source(endpoint)), "ua", keep_every_value=False
                )
                print(json.dumps(_line("ingest.opcua_subscription", ours, bare, database)), flush=True)
            port = _free_port()
            with _server_process("modbus_live", port):
                bare_values, _cpu = await _bare_modbus(port)
                bare_reads = bare_values / REGISTERS
                (tmp / "mb").mkdir()
                config = _config(tmp / "mb", api, token, _modbus_source(port))
                rate, emitted, stored = await _reads_into_database(config, "mb")
                line = _line("ingest.modbus_poll", rate * stored / max(emitted, 1), bare_reads, database)
                line.update(unit="reads/s", samples_emitted=emitted, samples_stored=stored)
                print(json.dumps(line), flush=True)
            port = _free_port()
            with _server_process("modbus", port):
                bare, _cpu = await _bare_modbus(port)
                (tmp / "mb_all").mkdir()
                ours = await _into_database(
                    _config(tmp / "mb_all", api, token, _modbus_source(port)), "mb", keep_every_value=True
                )
                line = _line("ingest.modbus_every_value", ours, bare, database)
                line.update(goal="report")
                print(json.dumps(line), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    for name in ("asyncua", "pymodbus", "backend", "httpx"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    asyncio.run(run(args.database_url))


if __name__ == "__main__":
    main()
