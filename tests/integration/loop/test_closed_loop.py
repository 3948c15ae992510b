"""The closed loop, end to end over loopback with real peers: a simulated PLC (OPC UA server) →
the collector runtime → the API (uvicorn, background jobs on) → a downtime event and exactly one
work order → the on-call technician → Web Push, decrypted by the local push service → the work
order closed with failure codes → the stop carries that reason → OEE of the shift shows the stop.

Reports the time from the run bit dropping to the push being accepted (printed and recorded as
the user property `run_bit_to_push_s`); it is measured, never asserted.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.collector.config import parse_config
from backend.collector.runtime import Collector
from backend.collector.simulate import Plant, collector_config_toml
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.schemas import FailureCodeCreate
from backend.domain.people.models import Site
from backend.lib.clock import SystemClock
from backend.settings import Settings
from tests.factories import Factory, admin_actor
from tests.factories import push as push_factory
from tests.factories.machines import collector_token
from tests.support.api_server import free_port, serving
from tests.support.push_service import LocalPushService

FAULT = 4711
STOP_AT_LEAST_S = 3.0
REASON = "machine: Bearing seized / No lubrication"


async def _failure_codes(session: AsyncSession, site: Site) -> tuple[str, str]:
    def code(kind: str, code: str, name: str) -> FailureCodeCreate:
        raw = {"site_id": site.id, "asset_class": "*", "kind": kind, "code": code, "name": name}
        return msgspec.convert(raw, FailureCodeCreate)

    actor = admin_actor(site)
    problem = await maintenance.create_failure_code(session, actor, code("problem", "BRG", "Bearing seized"))
    cause = await maintenance.create_failure_code(session, actor, code("cause", "LUB", "No lubrication"))
    await session.commit()
    return str(problem.id), str(cause.id)


async def _until(check: Callable[[], Any], step: float = 0.05) -> Any:
    """Poll `check()` until it returns something truthy (the caller bounds the time)."""
    while not (found := await check()):
        await asyncio.sleep(step)
    return found


async def _cancel(task: asyncio.Task[Any]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def _ok(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


async def test_a_plc_stop_becomes_one_pushed_ticket_whose_close_explains_the_oee_loss(
    settings: Settings,
    factory: Factory,
    session: AsyncSession,
    push_service: LocalPushService,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    site = await factory.site()
    area = await factory.asset(site, level="area", name="Press hall")
    line = await factory.asset(site, level="line", parent=area)
    machine = await factory.asset(site, parent=line, code="M1", name="Press 1")
    technician = await factory.user(site, role="technician")
    phone, phone_token = await push_factory.device(factory, technician)
    browser = push_service.subscribe()
    await push_factory.subscription(factory, technician, browser, on=phone)
    now = datetime.now(UTC)
    await push_factory.on_call(
        factory, site, technician, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=12)
    )
    admin = await factory.headers(await factory.user(site, role="admin"))
    tech = {"Authorization": f"Bearer {phone_token}"}
    problem_id, cause_id = await _failure_codes(session, site)
    token = await collector_token(factory, site)

    plant = Plant(["M1"], opcua_port=free_port(), modbus_port=free_port(), random_stops=False, cycle_s=0.5)
    await plant.start()
    ticking = asyncio.create_task(plant.run(0.1))
    app = create_app(msgspec.structs.replace(settings, background_jobs=True), clock=SystemClock())
    try:
        async with (
            asyncio.timeout(120),
            serving(app) as url,
            httpx.AsyncClient(base_url=url, timeout=10) as api,
            contextlib.AsyncExitStack() as stack,
        ):
            settings_in = {
                "debounce_s": 0.5,
                "micro_stop_s": 1.0,
                "ticket_after_s": 300.0,
                "ideal_cycle_s": 0.5,
            }
            _ok(await api.put(f"/api/machines/{machine.id}/settings", json=settings_in, headers=admin))
            config = collector_config_toml(
                opcua_machines=["M1"],
                modbus_machines=[],
                opcua_endpoint=plant.opcua.endpoint,
                modbus_host="127.0.0.1",
                modbus_port=plant.modbus.port,
                api_url=url,
                token=token,
                spool_path=str(tmp_path / "spool.db"),
                publishing_interval_ms=50,
                extra_collector="flush_interval_ms = 20",
            )
            collector = asyncio.create_task(Collector(parse_config(config)).run())
            stack.push_async_callback(_cancel, collector)  # stops before the API does

            async def first_running() -> datetime | None:
                rows = _ok(await api.get(f"/api/machines/{machine.id}/state-changes", headers=admin))
                found = [r["at"] for r in rows if r["state"] == "running"]
                return datetime.fromisoformat(found[0]) if found else None

            # A shift that starts with the machine's data: all of it is planned time, none unknown.
            running_since = await _until(first_running)
            shift_start = datetime.fromtimestamp(math.ceil(running_since.timestamp()), UTC)
            shift = {
                "site_id": str(site.id),
                "name": "Test shift",
                "weekdays": list(range(7)),
                "start_time": shift_start.strftime("%H:%M:%S"),
                "hours": 8,
            }
            _ok(await api.post("/api/calendars/shifts", json=shift, headers=admin), 201)
            await asyncio.sleep(max(0.0, (shift_start - datetime.now(UTC)).total_seconds()) + 1.5)

            dropped = time.perf_counter()
            await plant.force_stop("M1", FAULT)
            [message] = await push_service.wait_for_messages(1, timeout=60)
            latency = time.perf_counter() - dropped
            print(f"\nrun bit dropped -> push accepted by the push service: {latency * 1000:.0f} ms")
            record_property("run_bit_to_push_s", round(latency, 3))

            [event] = _ok(
                await api.get("/api/downtime/events", params={"asset_id": str(machine.id)}, headers=admin)
            )
            page = _ok(
                await api.get("/api/work-orders/", params={"asset_id": str(machine.id)}, headers=admin)
            )
            [wo] = page["items"]
            assert (event["fault_code"], event["work_order_id"], wo["type"]) == (
                FAULT,
                wo["id"],
                "corrective",
            )
            assert wo["assignee_ids"] == [str(technician.id)]
            pushed = message.json()
            assert (pushed["type"], pushed["work_order_id"], pushed["number"]) == (
                "work_order.assigned",
                wo["id"],
                wo["number"],
            )
            assert pushed["asset"]["code"] == "M1"
            assert message.subscription_id == browser.id
            assert message.vapid_claims["aud"] == push_service.origin

            _ok(
                await api.post(
                    f"/api/work-orders/{wo['id']}/transition", json={"to": "in_progress"}, headers=tech
                )
            )
            codes = {"problem_code_id": problem_id, "cause_code_id": cause_id}
            _ok(await api.put(f"/api/work-orders/{wo['id']}/failure-codes", json=codes, headers=tech))
            _ok(await api.post(f"/api/work-orders/{wo['id']}/transition", json={"to": "done"}, headers=tech))
            event = _ok(await api.get(f"/api/downtime/events/{event['id']}", headers=admin))
            assert (event["reason_code"], event["reason_label"], event["reason_source"]) == (
                "BRG/LUB",
                REASON,
                "work_order",
            )

            # Past the micro-stop threshold (1 s) whatever the speed of the steps above.
            await asyncio.sleep(max(0.0, STOP_AT_LEAST_S - (time.perf_counter() - dropped)))
            await plant.force_start("M1")

            async def ended() -> bool:
                found = _ok(await api.get(f"/api/downtime/events/{event['id']}", headers=admin))
                return found["ended_at"] is not None

            await _until(ended)
            params = {
                "asset_id": str(machine.id),
                "from": shift_start.isoformat(),
                "to": (shift_start + timedelta(hours=8)).isoformat(),
                "by": "shift",
            }
            [figure] = _ok(await api.get("/api/oee/", params=params, headers=admin))
            inputs = figure["inputs"]
            assert inputs["downtime_s"] > 0, figure
            assert inputs["unknown_s"] == 0
            assert figure["availability"] < 1
            assert figure["loss_tree"][f"downtime:{REASON}"] == inputs["downtime_s"]
    finally:
        await _cancel(ticking)
        await plant.stop()
