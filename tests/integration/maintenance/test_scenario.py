"""The maintenance loop through the API, from a templated assignment to the reliability figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.push.delivery import send_due
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.factories.inventory import InventoryFactory
from tests.factories.push import subscription
from tests.integration.maintenance._api import Plant, create_wo, move
from tests.support.push_service import LocalPushService, push_service  # noqa: F401  (fixture)

PERIOD = "start=2026-03-01T00:00:00Z&end=2026-03-08T00:00:00Z"


async def _stock(client: AsyncTestClient, part_id: str, headers: dict[str, str]) -> tuple[float, float]:
    rows = (await client.get(f"/api/inventory/parts/{part_id}/stock", headers=headers)).json()
    rows = rows["bins"] if isinstance(rows, dict) else rows
    return sum(r["on_hand"] for r in rows), sum(r["reserved"] for r in rows)


async def test_a_technician_works_a_templated_order_and_the_figures_follow(
    client: AsyncTestClient,
    session_maker: async_sessionmaker[Any],
    plant: Plant,
    factory: Factory,
    clock: FixedClock,
    push_service: LocalPushService,  # noqa: F811
) -> None:
    browser = push_service.subscribe()
    await subscription(factory, plant.tech, browser)
    inventory = InventoryFactory(factory, clock)
    bearing, bearing_bin = await inventory.stocked(plant.north, 10, name="Spindle bearing", unit_cost=40.0)
    seal, seal_bin = await inventory.stocked(plant.north, 5, name="Shaft seal", unit_cost=12.5)
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
    assert await send_due(session_maker, clock, http_timeout=5.0) >= 1
    [message] = await push_service.wait_for_messages(1)
    notice = message.json()
    assert (notice["work_order_id"], notice["title"], notice["priority"]) == (
        wo["id"],
        "Spindle vibration on CNC-1",
        "high",
    )
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

    planner_h = plant["planner"]
    reserve = {
        "work_order_id": wo["id"],
        "part_id": str(bearing.id),
        "bin_id": str(bearing_bin.id),
        "quantity": 2,
    }
    assert (
        await client.post("/api/inventory/reservations", json=reserve, headers=planner_h)
    ).status_code == 201
    assert await _stock(client, str(bearing.id), tech) == (10, 2)
    for part, bin_, quantity in ((bearing, bearing_bin, 2), (seal, seal_bin, 1)):
        issue = {
            "work_order_id": wo["id"],
            "part_id": str(part.id),
            "bin_id": str(bin_.id),
            "quantity": quantity,
        }
        r = await client.post("/api/inventory/issues", json=issue, headers=tech)
        assert r.status_code == 201, r.text
    assert await _stock(client, str(bearing.id), tech) == (8, 0)
    assert await _stock(client, str(seal.id), tech) == (4, 0)

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
    # 1.5 h x 60/h labor + 2 bearings x 40 + 1 seal x 12.5
    assert (cost["labor_hours"], cost["labor_cost"], cost["parts_cost"], cost["total_cost"]) == (
        1.5,
        90.0,
        92.5,
        182.5,
    )
    mttr = (await client.get(f"/api/reliability/mttr?{PERIOD}", headers=planner)).json()
    assert (mttr["repairs"], mttr["mttr_hours"]) == (1, 1.5)
    mtbf = (
        await client.get(f"/api/reliability/mtbf?{PERIOD}&asset_id={plant.machine.id}", headers=planner)
    ).json()
    assert [(r["failures"], r["downtime_hours"], r["mtbf_hours"]) for r in mtbf] == [(1, 1.5, 166.5)]
    pareto = (await client.get(f"/api/reliability/pareto?{PERIOD}", headers=planner)).json()
    assert [(p["code"], p["count"]) for p in pareto] == [("SPINDLE-VIB", 1)]
