"""Creating work orders: numbers per site, assignees, templates, PM occurrences, hooks, bad input."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance import events, services
from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.schemas import WorkOrderCreate
from backend.lib.clock import FixedClock
from backend.lib.errors import Conflict
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant, create_wo


@pytest.fixture
def hook_calls() -> Iterator[list[tuple[str, Any]]]:
    calls: list[tuple[str, Any]] = []

    async def created(_session: AsyncSession, wo: WorkOrder) -> None:
        calls.append(("created", wo.number))

    async def assigned(_session: AsyncSession, wo: WorkOrder, user_ids: list[uuid.UUID]) -> None:
        calls.append(("assigned", sorted(user_ids)))

    async def closed(_session: AsyncSession, wo: WorkOrder) -> None:
        calls.append(("closed", wo.status))

    events.on_created.append(created)
    events.on_assigned.append(assigned)
    events.on_closed.append(closed)
    yield calls
    events.on_created.remove(created)
    events.on_assigned.remove(assigned)
    events.on_closed.remove(closed)


async def _count(session: AsyncSession) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(WorkOrder)) or 0)


async def test_numbers_count_up_per_site(client: AsyncTestClient, plant: Plant, factory: Factory) -> None:
    first = await create_wo(client, plant)
    second = await create_wo(client, plant)
    south_machine = await factory.asset(plant.south, asset_class="cnc-mill")
    south_manager = await factory.user(plant.north, plant.south, role="manager")
    r = await client.post(
        "/api/work-orders/",
        json={"asset_id": str(south_machine.id), "title": "South job"},
        headers=await factory.headers(south_manager),
    )
    assert (first["number"], second["number"], r.json()["number"]) == ("WO-000001", "WO-000002", "WO-000001")


async def test_a_work_order_without_assignees_is_open(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, priority="high", estimated_hours=1.5)
    assert (wo["status"], wo["type"], wo["priority"], wo["version"]) == ("open", "corrective", "high", 1)


async def test_a_work_order_created_with_assignees_is_assigned(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    assert wo["status"] == "assigned"
    assert wo["assignee_ids"] == [str(plant.tech.id)]


async def test_a_template_is_copied_onto_the_work_order(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    template = await mf.template(factory, plant.north, asset_class="cnc-mill")
    wo = await create_wo(client, plant, checklist_template_id=str(template.id))
    assert [i["label"] for i in wo["checklist"]] == [i.label for i in template.items]
    numeric = wo["checklist"][2]
    assert (numeric["kind"], numeric["unit"], numeric["upper_limit"]) == ("numeric", "mm", 0.02)


async def test_a_template_of_another_asset_class_is_refused(
    client: AsyncTestClient, plant: Plant, factory: Factory, session: AsyncSession
) -> None:
    template = await mf.template(factory, plant.north, asset_class="press")
    r = await client.post(
        "/api/work-orders/",
        json={"asset_id": str(plant.machine.id), "title": "x", "checklist_template_id": str(template.id)},
        headers=plant["planner"],
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "checklist_template_id"
    assert await _count(session) == 0


async def test_an_asset_of_another_site_is_no_such_asset(
    client: AsyncTestClient, plant: Plant, factory: Factory, session: AsyncSession
) -> None:
    south_machine = await factory.asset(plant.south)
    r = await client.post(
        "/api/work-orders/", json={"asset_id": str(south_machine.id), "title": "x"}, headers=plant["planner"]
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "asset_id", "reason": "no such asset"}]
    assert await _count(session) == 0


async def test_an_operator_cannot_be_assigned(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    r = await client.post(
        "/api/work-orders/",
        json={"asset_id": str(plant.machine.id), "title": "x", "assignee_ids": [str(plant.operator.id)]},
        headers=plant["planner"],
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "assignee_ids"
    assert await _count(session) == 0


async def test_unknown_fields_and_bad_values_are_named_and_change_nothing(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    base = {"asset_id": str(plant.machine.id), "title": "x"}
    for body, field in (
        ({**base, "colour": "red"}, "colour"),
        ({**base, "priority": "urgent"}, "priority"),
        ({**base, "estimated_hours": -1}, "estimated_hours"),
        ({**base, "due_at": "2026-03-05T10:00:00"}, "due_at"),
        ({"title": "x"}, "asset_id"),
    ):
        r = await client.post("/api/work-orders/", json=body, headers=plant["planner"])
        assert r.status_code == 400, body
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["field"] == field
    assert await _count(session) == 0


async def test_technicians_and_operators_cannot_create_planned_work(
    client: AsyncTestClient, plant: Plant
) -> None:
    for who in ("tech", "operator"):
        r = await client.post(
            "/api/work-orders/", json={"asset_id": str(plant.machine.id), "title": "x"}, headers=plant[who]
        )
        assert r.status_code == 403, who


async def test_a_client_minted_id_is_kept(client: AsyncTestClient, plant: Plant) -> None:
    wo_id = str(uuid.uuid4())
    wo = await create_wo(client, plant, id=wo_id)
    assert wo["id"] == wo_id
    again = await client.post(
        "/api/work-orders/",
        json={"asset_id": str(plant.machine.id), "title": "again", "id": wo_id},
        headers=plant["planner"],
    )
    assert again.status_code == 409


async def test_one_pm_occurrence_gets_one_work_order(
    plant: Plant, factory: Factory, clock: FixedClock, session: AsyncSession
) -> None:
    plan_id = uuid.uuid4()
    data = WorkOrderCreate(
        asset_id=plant.machine.id,
        title="Monthly PM",
        type="preventive",
        pm_plan_id=plan_id,
        pm_occurrence_key="2026-03",
    )
    actor = services.system_actor([plant.north.id])
    first = await services.create_work_order(session, actor, data, clock)
    await session.commit()
    with pytest.raises(Conflict) as err:
        await services.create_work_order(session, actor, data, clock)
    assert err.value.extra["work_order_id"] == str(first.id)
    other_key = WorkOrderCreate(
        asset_id=plant.machine.id, title="Monthly PM", pm_plan_id=plan_id, pm_occurrence_key="2026-04"
    )
    assert (await services.create_work_order(session, actor, other_key, clock)).number == "WO-000002"


@pytest.mark.postgres_only
async def test_racing_creators_of_one_occurrence_leave_one_work_order(
    db_engine_name: str, plant: Plant, clock: FixedClock, session: AsyncSession, session_maker: Any
) -> None:
    """Both pass the look-up before either commits; the unique key keeps one, the loser gets a 409."""
    if db_engine_name != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter (SQLite has one writer)")
    data = WorkOrderCreate(
        asset_id=plant.machine.id, title="PM", pm_plan_id=uuid.uuid4(), pm_occurrence_key="k1"
    )
    actor = services.system_actor([plant.north.id])
    async with session_maker() as first, session_maker() as second:
        await services.create_work_order(first, actor, data, clock)
        loser = asyncio.create_task(services.create_work_order(second, actor, data, clock))
        await asyncio.sleep(0.2)
        await first.commit()
        with pytest.raises(Conflict):
            await asyncio.wait_for(loser, timeout=30)
        await second.rollback()
    assert await session.scalar(select(func.count()).select_from(WorkOrder)) == 1


async def test_hooks_hear_creation_and_only_new_assignees(
    client: AsyncTestClient, plant: Plant, hook_calls: list[tuple[str, Any]]
) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    r = await client.post(
        f"/api/work-orders/{wo['id']}/assign",
        json={"user_ids": [str(plant.tech.id), str(plant.tech2.id)]},
        headers=plant["planner"],
    )
    assert r.status_code == 200
    assert hook_calls == [
        ("created", wo["number"]),
        ("assigned", [plant.tech.id]),
        ("assigned", [plant.tech2.id]),
    ]


async def test_a_failing_hook_undoes_the_creation(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    async def refuse(_s: AsyncSession, _wo: WorkOrder) -> None:
        raise Conflict("the downstream context refused")

    events.on_created.append(refuse)
    try:
        r = await client.post(
            "/api/work-orders/",
            json={"asset_id": str(plant.machine.id), "title": "x"},
            headers=plant["planner"],
        )
    finally:
        events.on_created.remove(refuse)
    assert r.status_code == 409
    assert await _count(session) == 0


async def test_every_change_bumps_the_version(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant)
    r = await client.post(
        f"/api/work-orders/{wo['id']}/assign",
        json={"user_ids": [str(plant.tech.id)]},
        headers=plant["planner"],
    )
    assert r.json()["version"] == 2
    started = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "in_progress"}, headers=plant["tech"]
    )
    assert started.json()["version"] == 3
