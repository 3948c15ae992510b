"""Reorder points per part and storeroom, and the suggestions they give."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant


async def test_a_part_at_or_below_its_reorder_point_is_suggested_for_reorder(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    room = await inv.storeroom(plant.site)
    for number, stock in (("LOW", 1), ("AMPLE", 9), ("AT", 4)):
        part = await inv.part(plant.site, number=number)
        await inv.receive(part, await inv.bin(plant.site, room), stock)
        await inv.reorder_point(part, room, 4, 10)
    rows = (await client.get("/api/inventory/reorder-suggestions", headers=plant.planner)).json()
    assert [(s["part_number"], s["available"], s["suggested_quantity"]) for s in rows] == [
        ("LOW", 1.0, 10.0),
        ("AT", 4.0, 10.0),
    ]


async def test_reservations_count_against_the_reorder_point(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    room = await inv.storeroom(plant.site)
    part = await inv.part(plant.site)
    bin_ = await inv.bin(plant.site, room)
    await inv.receive(part, bin_, 8)
    await inv.reorder_point(part, room, 5, 20)
    assert (await client.get("/api/inventory/reorder-suggestions", headers=plant.planner)).json() == []
    await inv.reserve(await inv.work_order(plant.site), part, bin_, 4)
    [row] = (await client.get("/api/inventory/reorder-suggestions", headers=plant.planner)).json()
    assert (row["on_hand"], row["reserved"], row["available"]) == (8.0, 4.0, 4.0)


async def test_stock_is_summed_over_the_bins_of_the_storeroom_only(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    main, line = await inv.storeroom(plant.site), await inv.storeroom(plant.site)
    part = await inv.part(plant.site)
    await inv.receive(part, await inv.bin(plant.site, main), 2)
    await inv.receive(part, await inv.bin(plant.site, main), 2)
    await inv.receive(part, await inv.bin(plant.site, line), 50)
    await inv.reorder_point(part, main, 3, 6)
    await inv.reorder_point(part, line, 3, 6)
    rows = (await client.get("/api/inventory/reorder-suggestions", headers=plant.planner)).json()
    assert rows == []
    await inv.reorder_point(part, main, 4, 6)
    [row] = (await client.get("/api/inventory/reorder-suggestions", headers=plant.planner)).json()
    assert (row["storeroom_id"], row["available"]) == (str(main.id), 4.0)


async def test_critical_parts_come_first_in_the_suggestions(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    room = await inv.storeroom(plant.site)
    for number, critical in (("A-PLAIN", False), ("Z-CRITICAL", True)):
        part = await inv.part(plant.site, number=number, critical=critical)
        await inv.reorder_point(part, room, 1, 5)
    rows = (await client.get("/api/inventory/reorder-suggestions", headers=plant.operator)).json()
    assert [r["part_number"] for r in rows] == ["Z-CRITICAL", "A-PLAIN"]


async def test_a_planner_sets_and_removes_a_reorder_point(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    room = await inv.storeroom(plant.site)
    part = await inv.part(plant.site)
    path = f"/api/inventory/parts/{part.id}/reorder-points/{room.id}"
    r = await client.put(path, json={"reorder_point": 2, "reorder_quantity": 12}, headers=plant.planner)
    assert r.status_code == 200, r.text
    r = await client.put(path, json={"reorder_point": 3, "reorder_quantity": 12}, headers=plant.planner)
    points = (
        await client.get(f"/api/inventory/parts/{part.id}/reorder-points", headers=plant.operator)
    ).json()
    assert [(p["reorder_point"], p["reorder_quantity"]) for p in points] == [(3.0, 12.0)]
    assert (
        await client.put(path, json={"reorder_point": 1, "reorder_quantity": 1}, headers=plant.technician)
    ).status_code == 403
    assert (await client.delete(path, headers=plant.planner)).status_code == 204
    assert (
        await client.get(f"/api/inventory/parts/{part.id}/reorder-points", headers=plant.operator)
    ).json() == []
