"""The PM and meter endpoints: plans CRUD, pause/resume, readings, signals; roles and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines.models import SignalValue
from backend.domain.meters.models import MeterReading
from backend.domain.pm.models import PmPlan
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.maintenance import template
from tests.factories.pm import PmFactory
from tests.integration.pm.conftest import Cell

MAR_10 = "2026-03-10T06:00:00Z"


def calendar_body(cell: Cell, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Monthly lubrication",
        "kind": "calendar",
        "asset_id": str(cell.machine.id),
        "every": 1,
        "unit": "month",
        "starts_at": MAR_10,
        "lead_days": 3,
        **extra,
    }


async def _count_plans(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(PmPlan)) or 0)


async def test_a_planner_creates_reads_edits_and_deletes_a_plan(
    client: AsyncTestClient, factory: Factory, cell: Cell
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    created = await client.post("/api/pm/plans/", json=calendar_body(cell), headers=h)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert (plan["site_id"], plan["schedule"], plan["active"]) == (str(cell.site.id), "fixed", True)
    edited = await client.patch(f"/api/pm/plans/{plan['id']}", json={"every": 2, "grace_days": 3}, headers=h)
    assert (edited.json()["every"], edited.json()["grace_days"]) == (2, 3)
    listed = (await client.get(f"/api/pm/plans/?asset_id={cell.machine.id}", headers=h)).json()
    assert [p["id"] for p in listed] == [plan["id"]]
    assert (await client.delete(f"/api/pm/plans/{plan['id']}", headers=h)).status_code == 204
    assert (await client.get(f"/api/pm/plans/{plan['id']}", headers=h)).status_code == 404


async def test_a_plan_is_paused_and_resumed_and_cannot_be_paused_twice(
    client: AsyncTestClient, factory: Factory, cell: Cell
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="manager"))
    plan = (await client.post("/api/pm/plans/", json=calendar_body(cell), headers=h)).json()
    paused = await client.post(f"/api/pm/plans/{plan['id']}/pause", headers=h)
    assert (paused.status_code, paused.json()["active"]) == (200, False)
    again = await client.post(f"/api/pm/plans/{plan['id']}/pause", headers=h)
    assert again.status_code == 409
    resumed = await client.post(f"/api/pm/plans/{plan['id']}/resume", headers=h)
    assert (resumed.json()["active"], resumed.json()["paused_at"]) == (True, None)


async def test_a_plan_with_occurrences_cannot_be_deleted(
    client: AsyncTestClient, factory: Factory, pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, datetime(2026, 3, 10, 6, tzinfo=UTC))
    clock.set(datetime(2026, 3, 10, 6, tzinfo=UTC))
    await pm.generate()
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    r = await client.delete(f"/api/pm/plans/{plan.id}", headers=h)
    assert r.status_code == 409
    assert "pause" in r.json()["detail"]


async def test_technicians_cannot_manage_plans(
    client: AsyncTestClient, factory: Factory, cell: Cell, session: AsyncSession
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="technician"))
    r = await client.post("/api/pm/plans/", json=calendar_body(cell), headers=h)
    assert r.status_code == 403
    assert await _count_plans(session) == 0


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"every": None}, 422, "every"),
        ({"lead_days": 28}, 422, "lead_days"),
        ({"meter": "run_hours"}, 422, "meter"),
        ({"due_in_days": 2}, 422, "due_in_days"),
        ({"asset_class": "cnc-mill"}, 422, "asset_class"),
        ({"unit": "fortnight"}, 400, "unit"),
        ({"every": 0}, 400, "every"),
        ({"starts_at": "2026-03-10T06:00:00"}, 400, "starts_at"),
        ({"colour": "red"}, 400, "colour"),
    ],
)
async def test_bad_plan_input_is_refused_naming_the_field_and_nothing_is_stored(
    client: AsyncTestClient,
    factory: Factory,
    cell: Cell,
    session: AsyncSession,
    change: dict[str, Any],
    status: int,
    field: str,
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    body = {k: v for k, v in {**calendar_body(cell), **change}.items() if v is not None}
    r = await client.post("/api/pm/plans/", json=body, headers=h)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == field
    assert await _count_plans(session) == 0


async def test_a_checklist_template_of_another_asset_class_is_refused(
    client: AsyncTestClient, factory: Factory, cell: Cell
) -> None:
    lathe_checklist = await template(factory, cell.site, asset_class="lathe")
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    r = await client.post(
        "/api/pm/plans/", json=calendar_body(cell, checklist_template_id=str(lathe_checklist.id)), headers=h
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "checklist_template_id"


async def test_an_edit_that_breaks_a_rule_across_fields_changes_nothing(
    client: AsyncTestClient, factory: Factory, cell: Cell
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    plan = (await client.post("/api/pm/plans/", json=calendar_body(cell), headers=h)).json()
    r = await client.patch(f"/api/pm/plans/{plan['id']}", json={"unit": "day", "every": 2}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "lead_days"
    kept = (await client.get(f"/api/pm/plans/{plan['id']}", headers=h)).json()
    assert (kept["unit"], kept["every"]) == ("month", 1)


async def test_a_technician_records_a_meter_reading_and_reads_the_history(
    client: AsyncTestClient, factory: Factory, cell: Cell, clock: FixedClock
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="technician"))
    body = {"asset_id": str(cell.machine.id), "meter": "run_hours", "value": 120.5}
    first = await client.post("/api/meters/readings", json=body, headers=h)
    assert first.status_code == 201, first.text
    clock.advance(timedelta(hours=5))
    await client.post("/api/meters/readings", json={**body, "value": 125.5}, headers=h)
    history = (
        await client.get(f"/api/meters/readings?asset_id={cell.machine.id}&meter=run_hours", headers=h)
    ).json()
    assert [(r["value"], r["delta"], r["total"], r["source"]) for r in history] == [
        (120.5, 120.5, 120.5, "manual"),
        (125.5, 5.0, 125.5, "manual"),
    ]
    meters = (await client.get(f"/api/meters/?asset_id={cell.machine.id}", headers=h)).json()
    assert [(m["name"], m["total"]) for m in meters] == [("run_hours", 125.5)]


async def test_operators_cannot_record_meter_readings(
    client: AsyncTestClient, factory: Factory, cell: Cell
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="operator"))
    body = {"asset_id": str(cell.machine.id), "meter": "run_hours", "value": 1.0}
    assert (await client.post("/api/meters/readings", json=body, headers=h)).status_code == 403


async def test_a_reading_below_the_last_is_refused_naming_value_and_nothing_changes(
    client: AsyncTestClient, factory: Factory, cell: Cell, clock: FixedClock, session: AsyncSession
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="technician"))
    body = {"asset_id": str(cell.machine.id), "meter": "run_hours", "value": 500.0}
    await client.post("/api/meters/readings", json=body, headers=h)
    clock.advance(timedelta(hours=1))
    r = await client.post("/api/meters/readings", json={**body, "value": 450.0}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "value"
    assert await session.scalar(select(func.count()).select_from(MeterReading)) == 1
    confirmed = await client.post(
        "/api/meters/readings", json={**body, "value": 20.0, "reset": True}, headers=h
    )
    assert (confirmed.json()["reset"], confirmed.json()["total"]) == (True, 520.0)


async def test_a_badly_named_meter_is_refused(client: AsyncTestClient, factory: Factory, cell: Cell) -> None:
    h = await factory.headers(await factory.user(cell.site, role="technician"))
    body = {"asset_id": str(cell.machine.id), "meter": "run hours!", "value": 1.0}
    r = await client.post("/api/meters/readings", json=body, headers=h)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "meter"


async def test_recent_signal_values_of_an_asset_are_listed_oldest_first(
    client: AsyncTestClient, factory: Factory, cell: Cell, session: AsyncSession, clock: FixedClock
) -> None:
    t0 = clock.now()
    session.add_all(
        SignalValue(
            site_id=cell.site.id, asset_id=cell.machine.id, signal=name, at=t0 + timedelta(minutes=i), value=v
        )
        for i, (name, v) in enumerate([("vibration", 3.0), ("vibration", 4.5), ("temperature", 61.0)])
    )
    await session.commit()
    h = await factory.headers(await factory.user(cell.site, role="technician"))
    values = (
        await client.get(
            f"/api/signals/values?asset_id={cell.machine.id}&signal=vibration&limit=10", headers=h
        )
    ).json()
    assert [v["value"] for v in values] == [3.0, 4.5]
    latest = (await client.get(f"/api/signals/?asset_id={cell.machine.id}", headers=h)).json()
    assert [(s["signal"], s["last_value"]) for s in latest] == [("temperature", 61.0), ("vibration", 4.5)]
