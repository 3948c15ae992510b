"""Machine facts reach the contexts that use them: PM meters and condition plans, the production
count ledger, and OEE's ideal cycle time from the running order's routing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.collector.protocol import INGEST_PATH, encode_batch
from backend.collector.sample import Sample
from backend.domain.machines.models import CountDelta, MachineSettings
from backend.domain.meters.models import Meter, MeterReading
from backend.domain.production.models import CountEvent
from backend.domain.production.rules import CountingMode
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.machines import SampleSeq, batch, collector_token
from tests.factories.pm import PmFactory
from tests.factories.production import ProductionFactory

M = timedelta(minutes=1)


async def _send(client: AsyncTestClient[Any], token: str, *samples: Sample) -> None:
    r = await client.post(
        INGEST_PATH, content=encode_batch(batch(*samples)), headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text


async def test_run_hour_samples_become_collector_readings_of_the_run_hours_meter(
    client: AsyncTestClient[Any], factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    site = await factory.site()
    machine = await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    t0 = clock.now()
    await _send(client, token, s("M1", "run_hours", 1200.0, t0), s("M1", "run_hours", 1200.5, t0 + 30 * M))
    meter = await session.scalar(select(Meter).where(Meter.asset_id == machine.id))
    assert meter is not None
    assert (meter.name, meter.last_value) == ("run_hours", 1200.5)
    sources = set((await session.execute(select(MeterReading.source))).scalars())
    assert sources == {"collector"}


async def test_an_analog_signal_feeds_the_condition_plan_watching_it(
    client: AsyncTestClient[Any],
    factory: Factory,
    clock: FixedClock,
    session_maker: async_sessionmaker[Any],
) -> None:
    site = await factory.site()
    machine = await factory.asset(site, code="M1")
    pm = PmFactory(factory, clock, session_maker)
    plan = await pm.condition(machine, signal="temperature", threshold=80.0, duration_s=600)
    token = await collector_token(factory, site)
    s = SampleSeq()
    t0 = clock.now()
    temperature = "M1.temperature"
    await _send(
        client,
        token,
        s("M1", "analog", 85.0, t0, tag=temperature),
        s("M1", "analog", 86.0, t0 + 5 * M, tag=temperature),
    )
    assert await pm.occurrences(plan) == []
    await _send(client, token, s("M1", "analog", 84.0, t0 + 10 * M, tag=temperature))
    [fired] = await pm.occurrences(plan)
    assert (fired.status, fired.triggered_at) == ("pending", t0 + 10 * M)


async def test_good_and_scrap_deltas_of_a_machine_counted_line_land_in_the_production_ledger(
    client: AsyncTestClient[Any], factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    site = await factory.site()
    line = await ProductionFactory(factory, clock).line(site, counting=CountingMode.MACHINE)
    machine = await factory.asset(site, parent=line, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    t0 = clock.now()
    await _send(client, token, s("M1", "good_count", 100, t0), s("M1", "scrap_count", 4, t0))
    await _send(client, token, s("M1", "good_count", 107, t0 + M), s("M1", "scrap_count", 6, t0 + M))
    rows = (await session.execute(select(CountEvent).order_by(CountEvent.good.desc()))).scalars().all()
    assert [(r.good, r.scrap, r.source, r.machine_id, r.line_id) for r in rows] == [
        (7, 0, "machine", machine.id, line.id),
        (0, 2, "machine", machine.id, line.id),
    ]
    deltas = (await session.execute(select(CountDelta))).scalars().all()
    assert {r.idempotency_key for r in rows} == {f"{d.source}:{d.seq}:{d.role}" for d in deltas}


@dataclass
class OrderedMachine:
    """A machine (default ideal cycle 6 s) on a line with a day shift and a released order whose
    routing says 4.5 s."""

    site: Any
    machine: Any
    order: Any
    pf: ProductionFactory
    planner: dict[str, str]


async def _ordered_machine(
    client: AsyncTestClient[Any], factory: Factory, session: AsyncSession, clock: FixedClock
) -> OrderedMachine:
    site = await factory.site()
    pf = ProductionFactory(factory, clock)
    line = await pf.line(site)
    machine = await factory.asset(site, parent=line, code="M1")
    session.add(MachineSettings(site_id=site.id, asset_id=machine.id, ideal_cycle_s=6.0))
    await session.commit()
    product = await pf.product(site)
    await pf.routing(site, product, (10, "Make", None, 4.5))
    order = await pf.order(site, product, line)
    planner = await factory.headers(await factory.user(site, role="planner"))
    shift = {"site_id": str(site.id), "name": "Day", "weekdays": list(range(7)), "start_time": "08:00:00"}
    r = await client.post("/api/calendars/shifts", json={**shift, "hours": 8}, headers=planner)
    assert r.status_code == 201, r.text
    return OrderedMachine(site, machine, order, pf, planner)


async def _start(client: AsyncTestClient[Any], factory: Factory, om: OrderedMachine) -> None:
    operator = await factory.headers(await factory.user(om.site, role="operator"))
    r = await client.post(
        f"/api/production/operations/{await om.pf.first_operation_id(om.order)}/start", headers=operator
    )
    assert r.status_code == 200, r.text


async def _shift_figure(client: AsyncTestClient[Any], om: OrderedMachine, start: Any) -> dict[str, Any]:
    params = {"asset_id": str(om.machine.id), "from": start.isoformat(), "to": (start + 480 * M).isoformat()}
    r = await client.get("/api/oee/", params={**params, "by": "shift"}, headers=om.planner)
    assert r.status_code == 200, r.text
    [figure] = r.json()
    return dict(figure)


async def test_oee_takes_the_ideal_cycle_time_from_the_running_orders_routing(
    client: AsyncTestClient[Any], factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    om = await _ordered_machine(client, factory, session, clock)
    start = clock.now()
    await _start(client, factory, om)
    clock.advance(60 * M)
    figure = await _shift_figure(client, om, start)
    assert (figure["inputs"]["ideal_cycle_s"], figure["inputs"]["ideal_cycle_source"]) == (
        4.5,
        "running order's routing",
    )


async def test_oee_weighs_each_unit_with_the_ideal_cycle_of_what_ran_when_it_was_counted(
    client: AsyncTestClient[Any], factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    om = await _ordered_machine(client, factory, session, clock)
    token = await collector_token(factory, om.site)
    start = clock.now()
    s = SampleSeq()
    await _send(
        client, token, s("M1", "good_count", 0, start + 5 * M), s("M1", "good_count", 10, start + 20 * M)
    )
    clock.set(start + 30 * M)
    await _start(client, factory, om)
    await _send(client, token, s("M1", "good_count", 40, start + 40 * M))
    clock.set(start + 60 * M)
    figure = await _shift_figure(client, om, start)
    assert figure["inputs"]["good"] == 40
    assert figure["inputs"]["ideal_cycle_s"] == (10 * 6.0 + 30 * 4.5) / 40
    assert figure["inputs"]["ideal_cycle_source"] == "running order's routing and machine default"
