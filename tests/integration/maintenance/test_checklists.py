"""Checklists: templates per asset class, answers flagged at entry, completion blocked on gaps."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant, create_wo, move


async def _started(client: AsyncTestClient, plant: Plant, factory: Factory) -> dict[str, Any]:
    template = await mf.template(factory, plant.north, asset_class="cnc-mill")
    wo = await create_wo(
        client, plant, checklist_template_id=str(template.id), assignee_ids=[str(plant.tech.id)]
    )
    await move(client, wo["id"], "in_progress", plant["tech"])
    return wo


async def _answer(client: AsyncTestClient, plant: Plant, wo: dict[str, Any], index: int, value: Any) -> Any:
    item = wo["checklist"][index]
    return await client.put(
        f"/api/work-orders/{wo['id']}/checklist/{item['id']}", json={"value": value}, headers=plant["tech"]
    )


async def test_a_numeric_value_out_of_limits_is_flagged_when_entered(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    r = await _answer(client, plant, wo, 2, 0.035)
    assert r.status_code == 200
    assert (r.json()["value"], r.json()["out_of_limits"]) == (0.035, True)
    within = await _answer(client, plant, wo, 2, 0.02)
    assert within.json()["out_of_limits"] is False


async def test_an_answer_of_the_wrong_type_is_refused_and_changes_nothing(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    r = await _answer(client, plant, wo, 2, "about 0.01")
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "value", "reason": "a numeric check takes a number"}]
    items = (await client.get(f"/api/work-orders/{wo['id']}/checklist", headers=plant["tech"])).json()
    assert items[2]["value"] is None


async def test_completing_with_required_items_unanswered_names_them(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    await _answer(client, plant, wo, 0, True)
    r = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "done"}, headers=plant["tech"]
    )
    assert r.status_code == 409
    problem = r.json()
    assert problem["detail"] == "required checklist items are unanswered: Guards intact, Spindle runout"
    assert [m["label"] for m in problem["missing_items"]] == ["Guards intact", "Spindle runout"]
    assert problem["errors"][0]["field"] == f"checklist.{wo['checklist'][1]['id']}"


async def test_optional_items_do_not_block_completion_and_failed_checks_count(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    await _answer(client, plant, wo, 0, True)
    failed = await _answer(client, plant, wo, 1, "fail")
    assert (failed.json()["value"], failed.json()["out_of_limits"]) == ("fail", True)
    await _answer(client, plant, wo, 2, 0.01)
    done = await move(client, wo["id"], "done", plant["tech"])
    assert done["status"] == "done"


async def test_an_unticked_checkbox_does_not_count(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    await _answer(client, plant, wo, 0, False)
    await _answer(client, plant, wo, 1, "pass")
    await _answer(client, plant, wo, 2, 0.01)
    r = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "done"}, headers=plant["tech"]
    )
    assert r.status_code == 409
    assert [m["label"] for m in r.json()["missing_items"]] == ["Lock out and tag out"]


async def test_the_checklist_is_closed_once_the_work_is_done(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    for index, value in ((0, True), (1, "pass"), (2, 0.01)):
        await _answer(client, plant, wo, index, value)
    await move(client, wo["id"], "done", plant["tech"])
    r = await _answer(client, plant, wo, 3, "late remark")
    assert r.status_code == 409


async def test_an_extra_item_keeps_its_client_minted_id(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    item_id = str(uuid.uuid4())
    r = await client.post(
        f"/api/work-orders/{wo['id']}/checklist",
        json={"id": item_id, "kind": "numeric", "label": "Motor current", "unit": "A", "upper_limit": 12.5},
        headers=plant["tech"],
    )
    assert r.status_code == 201
    assert (r.json()["id"], r.json()["position"]) == (item_id, 5)
    answer = await client.put(
        f"/api/work-orders/{wo['id']}/checklist/{item_id}", json={"value": 14}, headers=plant["tech"]
    )
    assert answer.json()["out_of_limits"] is True


async def test_operators_cannot_fill_in_checklists(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    wo = await _started(client, plant, factory)
    item = wo["checklist"][0]
    r = await client.put(
        f"/api/work-orders/{wo['id']}/checklist/{item['id']}", json={"value": True}, headers=plant["operator"]
    )
    assert r.status_code == 403


async def test_templates_are_listed_per_asset_class_with_the_generic_ones(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    await mf.template(factory, plant.north, asset_class="cnc-mill", name="Mill weekly")
    await mf.template(factory, plant.north, asset_class="*", name="Safety walk")
    await mf.template(factory, plant.north, asset_class="press", name="Press monthly")
    r = await client.get("/api/checklist-templates/?asset_class=cnc-mill", headers=plant["tech"])
    assert [t["name"] for t in r.json()] == ["Safety walk", "Mill weekly"]


async def test_a_planner_creates_a_template_with_checked_limits(
    client: AsyncTestClient, plant: Plant
) -> None:
    body = {
        "site_id": str(plant.north.id),
        "asset_class": "cnc-mill",
        "name": "Spindle check",
        "items": [
            {"kind": "numeric", "label": "Runout", "unit": "mm", "lower_limit": 0.05, "upper_limit": 0.01}
        ],
    }
    bad = await client.post("/api/checklist-templates/", json=body, headers=plant["planner"])
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "items[0].lower_limit"
    body["items"][0]["lower_limit"] = 0.0  # type: ignore[index]
    ok = await client.post("/api/checklist-templates/", json=body, headers=plant["planner"])
    assert ok.status_code == 201
    assert ok.json()["items"][0]["upper_limit"] == 0.01
    denied = await client.post("/api/checklist-templates/", json=body, headers=plant["tech"])
    assert denied.status_code == 403


async def test_editing_a_template_leaves_existing_work_orders_alone(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    template = await mf.template(factory, plant.north, asset_class="cnc-mill")
    wo = await create_wo(client, plant, checklist_template_id=str(template.id))
    r = await client.patch(
        f"/api/checklist-templates/{template.id}",
        json={"items": [{"kind": "checkbox", "label": "Only this now"}]},
        headers=plant["planner"],
    )
    assert r.status_code == 200
    items = (await client.get(f"/api/work-orders/{wo['id']}/checklist", headers=plant["tech"])).json()
    assert len(items) == 4
