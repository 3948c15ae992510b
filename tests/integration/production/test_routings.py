"""Routings are versioned: drafts are edited, released versions are copied into new versions."""

from __future__ import annotations

from tests.integration.production.conftest import Floor


async def test_a_new_version_is_a_draft_copy_that_supersedes_on_release(floor: Floor) -> None:
    [v1] = (await floor.get(f"/api/production/routings/?product_id={floor.pump.id}")).json()
    order = await floor.order()
    v2 = (await floor.post(f"/api/production/routings/{v1['id']}/new-version", as_="planner")).json()
    assert (v2["version"], v2["status"], len(v2["operations"])) == (2, "draft", 1)
    body = {"operations": [{"seq": 10, "name": "Assemble", "ideal_cycle_s": 15.0}]}
    edited = await floor.client.put(
        f"/api/production/routings/{v2['id']}/operations", json=body, headers=floor.planner
    )
    assert edited.json()["operations"][0]["ideal_cycle_s"] == 15.0
    await floor.post(f"/api/production/routings/{v2['id']}/release", as_="planner")
    versions = (await floor.get(f"/api/production/routings/?product_id={floor.pump.id}")).json()
    assert [(r["version"], r["status"]) for r in versions] == [(1, "superseded"), (2, "released")]
    kept = (await floor.get(f"/api/production/orders/{order.id}")).json()
    assert (kept["routing_version"], kept["operations"][0]["ideal_cycle_s"]) == (1, 20.0)
    new = await floor.order()
    assert (await floor.get(f"/api/production/orders/{new.id}")).json()["routing_version"] == 2
