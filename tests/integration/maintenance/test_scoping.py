"""Another site's work orders, templates and codes do not exist for the caller: 404 everywhere."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant


async def test_another_sites_work_order_is_404_on_every_endpoint(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    south_machine = await factory.asset(plant.south, asset_class="cnc-mill")
    wo = await mf.work_order(
        factory, south_machine, clock, assignees=[plant.south_tech], status="in_progress"
    )
    item = "01a212f4-8f2d-73af-97ca-bf3a3b66a2a7"
    base = f"/api/work-orders/{wo.id}"
    gets = ["", "/checklist", "/labor", "/comments", "/attachments", f"/attachments/{item}"]
    posts = {
        "/assign": {"user_ids": []},
        "/transition": {"to": "done"},
        "/checklist": {"kind": "checkbox", "label": "x"},
        "/labor": {"started_at": "2026-03-02T06:00:00Z", "ended_at": "2026-03-02T07:00:00Z"},
        "/labor/start": None,
        "/labor/stop": None,
        "/comments": {"body": "hello"},
    }
    puts = {f"/checklist/{item}": {"value": True}, "/failure-codes": {"problem_code_id": None}}
    manager = await factory.headers(await factory.user(plant.north, role="manager"))
    for headers in (plant["tech"], plant["planner"], manager):
        for path in gets:
            assert (await client.get(base + path, headers=headers)).status_code == 404, path
        for path, body in posts.items():
            assert (await client.post(base + path, json=body, headers=headers)).status_code == 404, path
        for path, body in puts.items():
            assert (await client.put(base + path, json=body, headers=headers)).status_code == 404, path
        cost = await client.get(f"/api/reliability/costs/work-orders/{wo.id}", headers=headers)
        assert cost.status_code == 404
        upload = await client.post(
            base + "/attachments",
            files={"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")},
            headers=headers,
        )
        assert upload.status_code == 404


async def test_lists_and_figures_hold_only_the_callers_sites(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    south_machine = await factory.asset(plant.south, asset_class="cnc-mill")
    await mf.work_order(factory, south_machine, clock, estimated_hours=5.0)
    mine = await mf.work_order(factory, plant.machine, clock, estimated_hours=1.0)
    listed = (await client.get("/api/work-orders/", headers=plant["planner"])).json()["items"]
    assert [w["id"] for w in listed] == [str(mine.id)]
    backlog = (await client.get("/api/reliability/backlog", headers=plant["planner"])).json()
    assert (backlog["work_orders"], backlog["estimated_hours"]) == (1, 1.0)


async def test_another_sites_templates_and_codes_are_invisible_and_unusable(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    template = await mf.template(factory, plant.south, asset_class="cnc-mill")
    code = await mf.failure_code(factory, plant.south, "problem", "LEAK")
    assert (
        await client.get(f"/api/checklist-templates/{template.id}", headers=plant["planner"])
    ).status_code == 404
    assert (await client.get("/api/checklist-templates/", headers=plant["planner"])).json() == []
    assert (await client.get("/api/failure-codes/", headers=plant["planner"])).json() == []
    edit = await client.patch(
        f"/api/failure-codes/{code.id}", json={"name": "mine now"}, headers=plant["planner"]
    )
    assert edit.status_code == 404
    r = await client.post(
        "/api/work-orders/",
        json={"asset_id": str(plant.machine.id), "title": "x", "checklist_template_id": str(template.id)},
        headers=plant["planner"],
    )
    assert r.status_code == 422
