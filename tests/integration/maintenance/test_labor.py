"""Labor: timers stored in the database (they survive restarts), one per person, manual entries checked."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.domain.maintenance.models import WorkOrderLabor
from backend.lib.clock import FixedClock
from backend.settings import Settings
from tests.integration.maintenance._api import Plant, create_wo, move


async def _in_progress(client: AsyncTestClient, plant: Plant, *assignees: str) -> dict[str, Any]:
    ids = [str(getattr(plant, a).id) for a in assignees or ("tech",)]
    wo = await create_wo(client, plant, assignee_ids=ids)
    await move(client, wo["id"], "in_progress", plant[assignees[0] if assignees else "tech"])
    return wo


async def test_a_running_timer_survives_an_app_restart(
    client: AsyncTestClient, plant: Plant, settings: Settings, clock: FixedClock
) -> None:
    wo = await _in_progress(client, plant)
    started = await client.post(f"/api/work-orders/{wo['id']}/labor/start", headers=plant["tech"])
    assert started.status_code == 201
    clock.advance(timedelta(minutes=47, seconds=20))
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as restarted:
        running = await restarted.get("/api/work-orders/labor/running", headers=plant["tech"])
        assert running.json()["id"] == started.json()["id"]
        stopped = await restarted.post(f"/api/work-orders/{wo['id']}/labor/stop", headers=plant["tech"])
    assert stopped.status_code == 200
    assert stopped.json()["minutes"] == 47
    assert stopped.json()["ended_at"] == clock.now().isoformat().replace("+00:00", "Z")


async def test_a_person_runs_one_timer_at_a_time(client: AsyncTestClient, plant: Plant) -> None:
    first = await _in_progress(client, plant)
    second = await _in_progress(client, plant)
    assert (
        await client.post(f"/api/work-orders/{first['id']}/labor/start", headers=plant["tech"])
    ).status_code == 201
    r = await client.post(f"/api/work-orders/{second['id']}/labor/start", headers=plant["tech"])
    assert r.status_code == 409
    assert r.json()["work_order_id"] == first["id"]
    other = await client.post(f"/api/work-orders/{first['id']}/labor/start", headers=plant["tech2"])
    assert other.status_code == 201


async def test_the_database_refuses_a_second_running_timer(
    client: AsyncTestClient, plant: Plant, session: AsyncSession, clock: FixedClock
) -> None:
    wo = await _in_progress(client, plant)
    session.add_all(
        WorkOrderLabor(
            site_id=plant.north.id,
            work_order_id=uuid.UUID(wo["id"]),
            user_id=plant.tech.id,
            started_at=clock.now(),
        )
        for _ in range(2)
    )
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()


async def test_holding_the_work_stops_its_timers(
    client: AsyncTestClient, plant: Plant, clock: FixedClock
) -> None:
    wo = await _in_progress(client, plant)
    await client.post(f"/api/work-orders/{wo['id']}/labor/start", headers=plant["tech"])
    clock.advance(timedelta(minutes=30))
    await move(client, wo["id"], "on_hold", plant["tech"], reason="waiting_for_parts")
    labor = (await client.get(f"/api/work-orders/{wo['id']}/labor", headers=plant["tech"])).json()
    assert [(e["minutes"], e["source"]) for e in labor] == [(30, "timer")]
    running = await client.get("/api/work-orders/labor/running", headers=plant["tech"])
    assert running.json() is None


async def test_a_timer_runs_only_on_work_in_progress(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    r = await client.post(f"/api/work-orders/{wo['id']}/labor/start", headers=plant["tech"])
    assert r.status_code == 409


async def test_stopping_without_a_timer_is_a_409(client: AsyncTestClient, plant: Plant) -> None:
    wo = await _in_progress(client, plant)
    r = await client.post(f"/api/work-orders/{wo['id']}/labor/stop", headers=plant["tech"])
    assert r.status_code == 409


async def test_a_manual_entry_counts_its_minutes(
    client: AsyncTestClient, plant: Plant, clock: FixedClock
) -> None:
    wo = await _in_progress(client, plant)
    start = clock.now() - timedelta(hours=2)
    r = await client.post(
        f"/api/work-orders/{wo['id']}/labor",
        json={"started_at": start.isoformat(), "ended_at": (start + timedelta(minutes=95)).isoformat()},
        headers=plant["tech"],
    )
    assert r.status_code == 201
    assert (r.json()["minutes"], r.json()["source"], r.json()["user_id"]) == (
        95,
        "manual",
        str(plant.tech.id),
    )


async def test_a_manual_entry_must_end_after_it_starts_and_not_in_the_future(
    client: AsyncTestClient, plant: Plant, clock: FixedClock
) -> None:
    wo = await _in_progress(client, plant)
    now = clock.now()
    for start, end in ((now - timedelta(hours=1), now - timedelta(hours=2)), (now, now + timedelta(hours=1))):
        r = await client.post(
            f"/api/work-orders/{wo['id']}/labor",
            json={"started_at": start.isoformat(), "ended_at": end.isoformat()},
            headers=plant["tech"],
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "ended_at"
    assert (await client.get(f"/api/work-orders/{wo['id']}/labor", headers=plant["tech"])).json() == []


async def test_only_planners_log_labor_for_someone_else(
    client: AsyncTestClient, plant: Plant, clock: FixedClock
) -> None:
    wo = await _in_progress(client, plant)
    body = {
        "user_id": str(plant.tech2.id),
        "started_at": (clock.now() - timedelta(hours=1)).isoformat(),
        "ended_at": clock.now().isoformat(),
    }
    denied = await client.post(f"/api/work-orders/{wo['id']}/labor", json=body, headers=plant["tech"])
    assert denied.status_code == 403
    allowed = await client.post(f"/api/work-orders/{wo['id']}/labor", json=body, headers=plant["planner"])
    assert allowed.json()["user_id"] == str(plant.tech2.id)
