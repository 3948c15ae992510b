"""Failure codes: lists per asset class, validated when set on a work order, retired not deleted."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant, create_wo, move


async def _set(client: AsyncTestClient, plant: Plant, wo: dict[str, Any], **codes: Any) -> Any:
    body = {k: (str(v) if v is not None else None) for k, v in codes.items()}
    return await client.put(f"/api/work-orders/{wo['id']}/failure-codes", json=body, headers=plant["tech"])


async def test_codes_of_the_assets_class_or_of_every_class_are_accepted(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    problem = await mf.failure_code(factory, plant.north, "problem", "SPINDLE-VIB", asset_class="cnc-mill")
    cause = await mf.failure_code(factory, plant.north, "cause", "WEAR")
    wo = await create_wo(client, plant)
    r = await _set(client, plant, wo, problem_code_id=problem.id, cause_code_id=cause.id)
    assert r.status_code == 200
    assert (r.json()["problem_code_id"], r.json()["cause_code_id"]) == (str(problem.id), str(cause.id))


async def test_a_code_of_another_asset_class_is_refused(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    press_only = await mf.failure_code(factory, plant.north, "problem", "RAM-STUCK", asset_class="press")
    wo = await create_wo(client, plant)
    r = await _set(client, plant, wo, problem_code_id=press_only.id)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "problem_code_id"


async def test_a_cause_code_cannot_fill_the_problem_slot(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    cause = await mf.failure_code(factory, plant.north, "cause", "WEAR")
    wo = await create_wo(client, plant)
    r = await _set(client, plant, wo, problem_code_id=cause.id)
    assert r.status_code == 422
    assert "cause code" in r.json()["errors"][0]["reason"]


async def test_a_retired_code_is_refused(client: AsyncTestClient, plant: Plant, factory: Factory) -> None:
    code = await mf.failure_code(factory, plant.north, "remedy", "REPLACED")
    retire = await client.patch(
        f"/api/failure-codes/{code.id}", json={"active": False}, headers=plant["planner"]
    )
    assert retire.json()["active"] is False
    wo = await create_wo(client, plant)
    assert (await _set(client, plant, wo, remedy_code_id=code.id)).status_code == 422


async def test_codes_freeze_once_the_work_is_verified(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    code = await mf.failure_code(factory, plant.north, "problem", "NOISE")
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    await move(client, wo["id"], "in_progress", plant["tech"])
    await move(client, wo["id"], "done", plant["tech"])
    assert (await _set(client, plant, wo, problem_code_id=code.id)).status_code == 200
    await move(client, wo["id"], "verified", plant["planner"])
    assert (await _set(client, plant, wo, problem_code_id=None)).status_code == 409


async def test_a_planner_defines_codes_and_duplicates_are_named(
    client: AsyncTestClient, plant: Plant
) -> None:
    body = {
        "site_id": str(plant.north.id),
        "asset_class": "cnc-mill",
        "kind": "problem",
        "code": "OVERHEAT",
        "name": "Overheating",
    }
    assert (await client.post("/api/failure-codes/", json=body, headers=plant["planner"])).status_code == 201
    again = await client.post("/api/failure-codes/", json=body, headers=plant["planner"])
    assert (again.status_code, again.json()["errors"][0]["field"]) == (422, "code")
    denied = await client.post("/api/failure-codes/", json={**body, "code": "X"}, headers=plant["tech"])
    assert denied.status_code == 403
    listed = await client.get("/api/failure-codes/?asset_class=cnc-mill&kind=problem", headers=plant["tech"])
    assert [c["code"] for c in listed.json()] == ["OVERHEAT"]
