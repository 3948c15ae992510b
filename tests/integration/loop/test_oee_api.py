"""OEE through the API: figures per shift with the inputs they came from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from backend.collector.protocol import INGEST_PATH, encode_batch
from backend.domain.machines.models import MachineSettings
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.machines import SampleSeq, batch, collector_token

DAY = datetime(2026, 3, 2, tzinfo=UTC)


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return DAY + timedelta(hours=hh, minutes=mm, seconds=ss)


async def _setup(client: AsyncTestClient, factory: Factory, session: AsyncSession):  # type: ignore[no-untyped-def]
    site = await factory.site()
    line = await factory.asset(site, level="line")
    machine = await factory.asset(site, parent=line, code="M1")
    # No ticket for the example's 40-minute stop: its loss stays unclassified.
    session.add(
        MachineSettings(site_id=site.id, asset_id=machine.id, ideal_cycle_s=6.0, ticket_after_s=86400)
    )
    await session.commit()
    planner = await factory.user(site, role="planner")
    h = await factory.headers(planner)
    shift = {
        "site_id": str(site.id),
        "name": "Early",
        "weekdays": [0, 1, 2, 3, 4],
        "start_time": "06:00:00",
        "hours": 8,
        "breaks": [[240, 30]],
    }
    assert (await client.post("/api/calendars/shifts", json=shift, headers=h)).status_code == 201
    pm = {
        "asset_id": str(line.id),
        "kind": "pm",
        "starts_at": at(13, 30).isoformat(),
        "ends_at": at(14, 0).isoformat(),
    }
    assert (await client.post("/api/calendars/planned-downtime", json=pm, headers=h)).status_code == 201
    token = await collector_token(factory, site)
    s = SampleSeq()
    samples = [
        s("M1", "run_state", True, at(6, 0)),
        s("M1", "good_count", 0, at(6, 0)),
        s("M1", "scrap_count", 0, at(6, 0)),
    ]
    for i in range(5):
        samples += [s("M1", "run_state", False, at(7, 10 * i)), s("M1", "run_state", True, at(7, 10 * i, 60))]
    samples += [s("M1", "run_state", False, at(8, 0)), s("M1", "run_state", True, at(8, 40))]
    samples += [s("M1", "good_count", 3430, at(13, 29)), s("M1", "scrap_count", 70, at(13, 29))]
    r = await client.post(
        INGEST_PATH, content=encode_batch(batch(*samples)), headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200
    return site, line, machine, h


async def test_the_shift_figure_matches_the_worked_example(
    client: AsyncTestClient, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    _site, _line, machine, h = await _setup(client, factory, session)
    clock.set(at(15, 0))
    r = await client.get(
        f"/api/oee/?asset_id={machine.id}&from={at(0, 0).isoformat()}&to={at(23, 59).isoformat()}&by=shift".replace(
            "+", "%2B"
        ),
        headers=h,
    )
    assert r.status_code == 200, r.text
    [fig] = r.json()
    assert fig["label"] == "Early 2026-03-02"
    assert fig["inputs"]["planned_time_s"] == 25200
    assert fig["inputs"]["run_time_s"] == 22800
    assert (fig["inputs"]["good"], fig["inputs"]["scrap"]) == (3430, 70)
    assert fig["inputs"]["ideal_cycle_s"] == 6.0
    assert fig["inputs"]["policy"]["micro_stops"] == "performance"
    assert fig["oee"] == pytest.approx(20580 / 25200)
    assert fig["loss_tree"]["micro_stops"] == 300


async def test_a_line_figure_aggregates_its_machines(
    client: AsyncTestClient, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    _site, line, _machine, h = await _setup(client, factory, session)
    clock.set(at(15, 0))
    r = await client.get(
        f"/api/oee/?asset_id={line.id}&from={at(0, 0).isoformat()}&to={at(23, 59).isoformat()}&by=day".replace(
            "+", "%2B"
        ),
        headers=h,
    )
    [fig] = r.json()
    assert fig["scope"] == "line"
    assert fig["oee"] == pytest.approx(20580 / 25200)


async def test_the_loss_pareto_puts_the_biggest_loss_first(
    client: AsyncTestClient, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    _site, _line, machine, h = await _setup(client, factory, session)
    clock.set(at(15, 0))
    r = await client.get(
        f"/api/oee/losses?asset_id={machine.id}&from={at(0, 0).isoformat()}&to={at(23, 59).isoformat()}".replace(
            "+", "%2B"
        ),
        headers=h,
    )
    losses = r.json()
    assert losses[0]["loss"] == "downtime:unclassified"
    assert [loss["loss"] for loss in losses] == ["downtime:unclassified", "speed", "scrap", "micro_stops"]


async def test_the_iso_policy_is_declared_per_site_and_shown(
    client: AsyncTestClient, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    site, _line, machine, h = await _setup(client, factory, session)
    r = await client.put(f"/api/oee/policy/{site.id}", json={"micro_stops": "availability"}, headers=h)
    assert r.status_code == 200
    clock.set(at(15, 0))
    r = await client.get(
        f"/api/oee/?asset_id={machine.id}&from={at(0, 0).isoformat()}&to={at(23, 59).isoformat()}&by=shift".replace(
            "+", "%2B"
        ),
        headers=h,
    )
    [fig] = r.json()
    assert fig["inputs"]["run_time_s"] == 22500
    assert "ISO 22400-2" in fig["inputs"]["policy"]["explanation"]
