"""Parts, storerooms and bins: numbers and codes unique where they must be, search, roles."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.factories import Factory
from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant


async def test_a_planner_creates_a_part_with_its_purchasing_data(
    client: AsyncTestClient, plant: Plant
) -> None:
    body = {
        "site_id": str(plant.site.id),
        "number": "BRG-6205",
        "name": "Deep groove ball bearing 6205-2RS",
        "unit": "each",
        "unit_cost": 7.9,
        "supplier": "SKF",
        "critical": True,
        "description": "Spindle motor bearing",
    }
    r = await client.post("/api/inventory/parts/", json=body, headers=plant.planner)
    assert r.status_code == 201, r.text
    part = r.json()
    assert {k: part[k] for k in body if k != "site_id"} == {k: v for k, v in body.items() if k != "site_id"}
    assert part["label_url"].startswith("http://gemba.test/p/")


async def test_part_numbers_are_unique_per_site_but_may_repeat_across_sites(
    client: AsyncTestClient, factory: Factory
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, south, role="manager"))
    for site in (north, south):
        body = {"site_id": str(site.id), "number": "FLT-1", "name": "Filter"}
        assert (await client.post("/api/inventory/parts/", json=body, headers=h)).status_code == 201
    again = {"site_id": str(north.id), "number": "FLT-1", "name": "Another filter"}
    r = await client.post("/api/inventory/parts/", json=again, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "number"


async def test_search_matches_number_name_or_supplier_case_insensitively(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    await inv.part(plant.site, number="SEAL-40", name="Shaft seal 40 mm", supplier="Freudenberg")
    await inv.part(plant.site, number="BLT-A42", name="V-belt A42", supplier="Gates")
    found = {}
    for q in ("seal", "V-BELT", "gates"):
        rows = (await client.get(f"/api/inventory/parts/?q={q}", headers=plant.operator)).json()
        found[q] = [p["number"] for p in rows]
    assert found == {"seal": ["SEAL-40"], "V-BELT": ["BLT-A42"], "gates": ["BLT-A42"]}


async def test_technicians_and_operators_cannot_create_parts(client: AsyncTestClient, plant: Plant) -> None:
    body = {"site_id": str(plant.site.id), "number": "X-1", "name": "X"}
    for headers in (plant.technician, plant.operator):
        assert (await client.post("/api/inventory/parts/", json=body, headers=headers)).status_code == 403


async def test_an_operator_reads_parts_and_stock(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 4)
    assert (await client.get(f"/api/inventory/parts/{part.id}", headers=plant.operator)).status_code == 200
    stock = (await client.get(f"/api/inventory/parts/{part.id}/stock", headers=plant.operator)).json()
    assert [(s["bin_id"], s["on_hand"]) for s in stock] == [(str(bin_.id), 4.0)]


async def test_editing_a_part_changes_only_the_given_fields(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part = await inv.part(plant.site, name="Old", supplier="Acme")
    r = await client.patch(f"/api/inventory/parts/{part.id}", json={"unit_cost": 12.5}, headers=plant.planner)
    assert r.status_code == 200
    assert (r.json()["unit_cost"], r.json()["name"], r.json()["supplier"]) == (12.5, "Old", "Acme")


async def test_a_part_with_stock_history_cannot_be_deleted_only_deactivated(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    used, _ = await inv.stocked(plant.site, 1)
    unused = await inv.part(plant.site)
    assert (await client.delete(f"/api/inventory/parts/{used.id}", headers=plant.planner)).status_code == 409
    assert (
        await client.delete(f"/api/inventory/parts/{unused.id}", headers=plant.planner)
    ).status_code == 204
    r = await client.patch(f"/api/inventory/parts/{used.id}", json={"active": False}, headers=plant.planner)
    assert r.json()["active"] is False
    listed = [p["id"] for p in (await client.get("/api/inventory/parts/", headers=plant.planner)).json()]
    assert str(used.id) not in listed


async def test_bin_codes_are_unique_within_a_storeroom_only(client: AsyncTestClient, plant: Plant) -> None:
    rooms = []
    for code in ("MAIN", "LINE2"):
        body = {"site_id": str(plant.site.id), "code": code, "name": code.title()}
        r = await client.post("/api/inventory/storerooms/", json=body, headers=plant.planner)
        assert r.status_code == 201, r.text
        rooms.append(r.json()["id"])
    for room in rooms:
        r = await client.post(
            f"/api/inventory/storerooms/{room}/bins", json={"code": "A-01"}, headers=plant.planner
        )
        assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/inventory/storerooms/{rooms[0]}/bins", json={"code": "A-01"}, headers=plant.planner
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "code"
    listed = (await client.get(f"/api/inventory/storerooms/{rooms[0]}/bins", headers=plant.operator)).json()
    assert [b["code"] for b in listed] == ["A-01"]
    assert listed[0]["label_url"].startswith("http://gemba.test/b/")
