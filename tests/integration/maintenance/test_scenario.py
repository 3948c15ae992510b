"""The maintenance loop through the API, from a templated assignment to the reliability figures."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import AsyncTestClient

from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant, create_wo, move

PERIOD = "start=2026-03-01T00:00:00Z&end=2026-03-08T00:00:00Z"


async def test_a_technician_works_a_templated_order_and_the_figures_follow(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    template = await mf.template(factory, plant.north, asset_class="cnc-mill")
    problem = await mf.failure_code(factory, plant.north, "problem", "SPINDLE-VIB", asset_class="cnc-mill")
    cause = await mf.failure_code(factory, plant.north, "cause", "BEARING-WEAR")
    remedy = await mf.failure_code(factory, plant.north, "remedy", "REPLACED")
    tech = plant["tech"]

    wo = await create_wo(
        client,
        plant,
        title="Spindle vibration on CNC-1",
        priority="high",
        checklist_template_id=str(template.id),
        assignee_ids=[str(plant.tech.id)],
    )
    assert wo["status"] == "assigned"
    my_work = (await client.get("/api/work-orders/my-work", headers=tech)).json()
    assert [w["id"] for w in my_work] == [wo["id"]]

    await move(client, wo["id"], "in_progress", tech)
    assert (await client.post(f"/api/work-orders/{wo['id']}/labor/start", headers=tech)).status_code == 201
    answers = {0: True, 1: "pass", 2: 0.035, 3: "Bearing noise at 8000 rpm"}
    flagged = {}
    for index, value in answers.items():
        item = wo["checklist"][index]
        r = await client.put(
            f"/api/work-orders/{wo['id']}/checklist/{item['id']}", json={"value": value}, headers=tech
        )
        assert r.status_code == 200, r.text
        flagged[item["label"]] = r.json()["out_of_limits"]
    assert flagged == {
        "Lock out and tag out": False,
        "Guards intact": False,
        "Spindle runout": True,
        "Remarks": False,
    }

    clock.advance(timedelta(minutes=90))
    stopped = await client.post(f"/api/work-orders/{wo['id']}/labor/stop", headers=tech)
    assert stopped.json()["minutes"] == 90
    codes = {
        "problem_code_id": str(problem.id),
        "cause_code_id": str(cause.id),
        "remedy_code_id": str(remedy.id),
    }
    assert (
        await client.put(f"/api/work-orders/{wo['id']}/failure-codes", json=codes, headers=tech)
    ).status_code == 200
    done = await move(client, wo["id"], "done", tech)
    assert done["completed_at"] == clock.now().isoformat().replace("+00:00", "Z")
    await move(client, wo["id"], "verified", plant["planner"])

    planner = plant["planner"]
    cost = (await client.get(f"/api/reliability/costs/work-orders/{wo['id']}", headers=planner)).json()
    assert (cost["labor_hours"], cost["labor_cost"], cost["total_cost"]) == (
        1.5,
        90.0,
        90.0 + cost["parts_cost"],
    )
    mttr = (await client.get(f"/api/reliability/mttr?{PERIOD}", headers=planner)).json()
    assert (mttr["repairs"], mttr["mttr_hours"]) == (1, 1.5)
    mtbf = (
        await client.get(f"/api/reliability/mtbf?{PERIOD}&asset_id={plant.machine.id}", headers=planner)
    ).json()
    assert [(r["failures"], r["downtime_hours"], r["mtbf_hours"]) for r in mtbf] == [(1, 1.5, 166.5)]
    pareto = (await client.get(f"/api/reliability/pareto?{PERIOD}", headers=planner)).json()
    assert [(p["code"], p["count"]) for p in pareto] == [("SPINDLE-VIB", 1)]
