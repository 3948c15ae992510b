"""Latency of the closed loop, from a simulated PLC's run bit dropping to (a) the stored state
change and (b) the Web Push accepted by the push service, against the bare protocol round trip.

Everything runs on loopback in this process (one event loop): the OPC UA simulator, the collector
runtime, the API (uvicorn, background jobs on: the push worker sends), the local push service.
The database is a fresh SQLite file (or `--database-url`, an empty PostgreSQL database).

- baseline: a bare asyncua client subscribed to the same run bits with the collector's
  subscription parameters sees the drop (the protocol's own round trip);
- `loop.run_bit_to_stored_state`: the stopped state is committed (seen by polling every 5 ms);
- `loop.run_bit_to_push`: the notification naming the new work order was accepted, decrypted, by
  the push service (downtime event → work order → on-call assignment → outbox → sender).

Each of `--stops` machines is stopped once with a fault code (a new ticket each), one after the
other; p50 and p99 (nearest rank) of each. Bounded: about a second per stop plus set-up.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from backend.app import create_app
from backend.collector.config import parse_config
from backend.collector.runtime import Collector
from backend.collector.simulate import Plant, collector_config_toml
from backend.db import migrate
from backend.db.engine import make_engine, make_sessionmaker
from backend.db.registry import import_all_models
from backend.domain.machines.models import MachineSettings, MachineStateChange
from backend.lib.clock import SystemClock
from backend.settings import load_settings
from bench._common import emit
from tests.factories import Factory
from tests.factories import push as push_factory
from tests.factories.machines import collector_token
from tests.support.api_server import free_port, serving
from tests.support.push_service import LocalPushService

PUBLISHING_MS = 50
STEP_TIMEOUT_S = 30.0
# The simulator steps like `gemba simulate` (every 0.5 s): the machines keep the API busy with
# counts, temperatures and run hours while the stops are measured.
TICK_S = 0.5


def _rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def _arrange(url: str, codes: list[str], push: LocalPushService) -> tuple[str, dict[str, Any]]:
    """A site with the machines, an on-call technician whose phone is subscribed; the collector token."""
    import_all_models()
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            f = Factory(session)
            site = await f.site()
            line = await f.asset(site, level="line")
            machines = {code: await f.asset(site, parent=line, code=code) for code in codes}
            for machine in machines.values():
                session.add(
                    MachineSettings(
                        site_id=site.id,
                        asset_id=machine.id,
                        debounce_s=0.5,
                        micro_stop_s=1.0,
                        ideal_cycle_s=0.5,
                    )
                )
            await session.commit()
            technician = await f.user(site, role="technician")
            phone, _token = await push_factory.device(f, technician)
            await push_factory.subscription(f, technician, push.subscribe(), on=phone)
            now = datetime.now(UTC)
            await push_factory.on_call(
                f, site, technician, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=6)
            )
            token = await collector_token(f, site)
            return token, {code: m.id for code, m in machines.items()}
    finally:
        await engine.dispose()


class BareWatcher:
    """A bare asyncua client on the run bits: when did it see each one drop?"""

    def __init__(self, endpoint: str, codes: list[str]) -> None:
        self.endpoint = endpoint
        self.codes = codes
        self.dropped: dict[str, float] = {}
        self._client: Any = None

    def datachange_notification(self, node: Any, val: Any, data: Any) -> None:
        code = str(node.nodeid.Identifier).rsplit(".", 1)[0]
        if val is False and code not in self.dropped:
            self.dropped[code] = time.perf_counter()

    async def start(self) -> None:
        from asyncua.client.client import Client

        self._client = Client(self.endpoint, timeout=10)
        await self._client.connect()
        sub = await self._client.create_subscription(PUBLISHING_MS, self)
        nodes = [self._client.get_node(f"ns=2;s={code}.run") for code in self.codes]
        await sub.subscribe_data_change(nodes, queuesize=10, sampling_interval=100)

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.disconnect()


async def _until(check: Callable[[], Any], step: float = 0.005) -> Any:
    async with asyncio.timeout(STEP_TIMEOUT_S):
        while not (found := check()):
            await asyncio.sleep(step)
    return found


async def run(stops: int, database_url: str | None) -> None:
    codes = [f"M{i:02d}" for i in range(1, stops + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'loop.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        async with LocalPushService() as push:
            token, asset_ids = await _arrange(url, codes, push)
            plant = Plant(
                codes, opcua_port=free_port(), modbus_port=free_port(), random_stops=False, cycle_s=1.0
            )
            await plant.start()
            ticking = asyncio.create_task(plant.run(TICK_S))
            settings = load_settings(
                {}, database_url=url, demo=False, log_level="warning", public_base_url="https://gemba.example"
            )
            app = create_app(settings, clock=SystemClock())
            bare = BareWatcher(plant.opcua.endpoint, codes)
            watch_engine = make_engine(url, explicit_begin=False)
            collector_task = None
            try:
                async with serving(app) as api_url:
                    config = collector_config_toml(
                        opcua_machines=codes,
                        modbus_machines=[],
                        opcua_endpoint=plant.opcua.endpoint,
                        modbus_host="127.0.0.1",
                        modbus_port=plant.modbus.port,
                        api_url=api_url,
                        token=token,
                        spool_path=str(Path(tmp) / "spool.db"),
                        publishing_interval_ms=PUBLISHING_MS,
                        extra_collector="flush_interval_ms = 20",
                    )
                    collector_task = asyncio.create_task(Collector(parse_config(config)).run())
                    await bare.start()
                    stored: dict[Any, float] = {}

                    async def poll_stored() -> None:
                        while True:
                            async with watch_engine.connect() as conn:
                                rows = await conn.execute(
                                    select(MachineStateChange.asset_id).where(
                                        MachineStateChange.state == "stopped"
                                    )
                                )
                                now = time.perf_counter()
                                for (asset_id,) in rows:
                                    stored.setdefault(asset_id, now)
                            await asyncio.sleep(0.005)

                    poller = asyncio.create_task(poll_stored())
                    pushed: dict[str, float] = {}

                    def seen_pushes() -> bool:
                        for message in push.messages[len(pushed) :]:
                            pushed[message.json()["asset"]["code"]] = time.perf_counter()
                        return False

                    await asyncio.sleep(2.0)  # every machine reported running; the first push pass ran
                    bare_s, stored_s, push_s = [], [], []
                    for i, code in enumerate(codes):
                        dropped = time.perf_counter()
                        await plant.force_stop(code, 100 + i)
                        await _until(lambda code=code: code in bare.dropped)
                        await _until(lambda code=code: asset_ids[code] in stored)
                        await _until(lambda code=code: seen_pushes() or code in pushed)
                        bare_s.append(bare.dropped[code] - dropped)
                        stored_s.append(stored[asset_ids[code]] - dropped)
                        push_s.append(pushed[code] - dropped)
                        await asyncio.sleep(0.2)
                    poller.cancel()
                    await asyncio.gather(poller, return_exceptions=True)
            finally:
                if collector_task is not None:
                    collector_task.cancel()
                    await asyncio.gather(collector_task, return_exceptions=True)
                await bare.stop()
                ticking.cancel()
                await asyncio.gather(ticking, return_exceptions=True)
                await plant.stop()
                await watch_engine.dispose()
    database = "postgresql" if database_url else "sqlite"
    for name, values in (("run_bit_to_stored_state", stored_s), ("run_bit_to_push", push_s)):
        for label, q in (("p50", 0.5), ("p99", 0.99)):
            emit(
                f"loop.{name}.{label}",
                _rank(values, q),
                _rank(bare_s, q),
                "s",
                "report (baseline: bare OPC UA subscription sees the drop)",
                stops=len(values),
                database=database,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    for name in ("asyncua", "pymodbus", "backend", "gemba", "httpx", "uvicorn"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    asyncio.run(run(args.stops, args.database_url))


if __name__ == "__main__":
    main()
