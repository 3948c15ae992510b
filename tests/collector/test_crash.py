"""``kill -9`` of a collector process loses nothing that was spooled, and reuses no sequence number."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from backend.collector.sample import Sample
from backend.collector.simulate.modbus_server import ModbusPlantServer
from backend.collector.spool import read_samples
from tests.collector._fake_api import FakeIngestApi
from tests.collector.conftest import config_text, eventually, modbus_source

ROOT = Path(__file__).resolve().parents[2]


def _spooled(path: Path) -> list[Sample]:
    if not path.exists():
        return []
    try:
        return read_samples(path)
    except sqlite3.OperationalError:
        return []


def _start(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend.collector",
            "collector",
            "--config",
            str(config),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_kill_9_then_restart_delivers_every_spooled_sample_once(
    modbus_server: ModbusPlantServer, ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    await ingest_api.stop()
    spool = tmp_path / "spool.db"
    config = tmp_path / "plant.toml"
    config.write_text(
        config_text(
            modbus_source(modbus_server.host, modbus_server.port), spool=spool, api_url=ingest_api.url
        )
    )
    proc = _start(config)
    try:
        value = 0
        while len(_spooled(spool)) < 20:
            value += 1
            await modbus_server.set_value("holding_registers", 1, value, "uint32", "ABCD")
            await asyncio.sleep(0.05)
            assert proc.poll() is None
            assert value < 400, "the collector never spooled"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(5)
        before = _spooled(spool)
        assert len(before) >= 20

        await ingest_api.start()
        proc = _start(config)
        await modbus_server.set_value("holding_registers", 1, 100_000, "uint32", "ABCD")
        await eventually(lambda: any(s.value == 100_000 for s in ingest_api.samples), timeout=20)  # type: ignore[attr-defined]
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
    received = [(s.source, s.seq) for s in ingest_api.samples]  # type: ignore[attr-defined]
    assert len(received) == len(set(received))
    assert [(s.source, s.seq) for s in before] == received[: len(before)]
    assert [s.seq for s in ingest_api.samples] == list(range(len(received)))  # type: ignore[attr-defined]
