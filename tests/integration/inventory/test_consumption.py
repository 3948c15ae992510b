"""Parts issued to and returned from work orders: refusals online, reservations, cost."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import Bin, Part, StockMovement
from backend.domain.maintenance.models import WorkOrder
from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant, on_hand


def _issue(order: WorkOrder, part: Part, bin_: Bin, quantity: float) -> dict[str, object]:
    return {
        "work_order_id": str(order.id),
        "part_id": str(part.id),
        "bin_id": str(bin_.id),
        "quantity": quantity,
    }


async def _movements(session: AsyncSession, part_id: uuid.UUID) -> int:
    session.expire_all()
    stmt = select(func.count()).select_from(StockMovement).where(StockMovement.part_id == part_id)
    return int(await session.scalar(stmt) or 0)


async def test_a_technician_issues_parts_to_a_work_order(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    order = await inv.work_order(plant.site)
    r = await client.post(
        "/api/inventory/issues", json=_issue(order, part, bin_, 2), headers=plant.technician
    )
    assert r.status_code == 201, r.text
    [movement] = r.json()["movements"]
    assert (movement["kind"], movement["quantity"], movement["work_order_id"]) == (
        "issue",
        -2.0,
        str(order.id),
    )
    assert r.json()["stock"][0]["on_hand"] == 3.0


async def test_an_online_issue_beyond_stock_is_refused_with_the_figures_and_changes_nothing(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory, session: AsyncSession
) -> None:
    part, bin_ = await inv.stocked(plant.site, 2)
    order = await inv.work_order(plant.site)
    part_id = part.id
    r = await client.post(
        "/api/inventory/issues", json=_issue(order, part, bin_, 3), headers=plant.technician
    )
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert (problem["on_hand"], problem["reserved"], problem["available"], problem["requested"]) == (
        2.0,
        0.0,
        2.0,
        3.0,
    )
    assert problem["errors"][0]["field"] == "quantity"
    assert await on_hand(client, plant.planner, part_id, bin_.id) == 2.0
    assert await _movements(session, part_id) == 1


async def test_an_online_issue_may_not_take_parts_reserved_for_another_work_order(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 3)
    await inv.reserve(await inv.work_order(plant.site), part, bin_, 2)
    other = await inv.work_order(plant.site)
    r = await client.post(
        "/api/inventory/issues", json=_issue(other, part, bin_, 2), headers=plant.technician
    )
    assert r.status_code == 409
    assert r.json()["available"] == 1.0


async def test_issuing_against_a_reservation_consumes_it(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 3)
    order = await inv.work_order(plant.site)
    reservation = await inv.reserve(order, part, bin_, 3)
    r = await client.post(
        "/api/inventory/issues", json=_issue(order, part, bin_, 2), headers=plant.technician
    )
    assert r.status_code == 201, r.text
    assert r.json()["movements"][0]["reservation_id"] == str(reservation.id)
    [line] = r.json()["stock"]
    assert (line["on_hand"], line["reserved"], line["available"]) == (1.0, 1.0, 0.0)
    r = await client.post(
        "/api/inventory/issues", json=_issue(order, part, bin_, 1), headers=plant.technician
    )
    assert r.status_code == 201, r.text
    got = (await client.get(f"/api/inventory/reservations/{reservation.id}", headers=plant.operator)).json()
    assert (got["issued_quantity"], got["remaining"], got["status"]) == (3.0, 0.0, "fulfilled")


async def test_parts_cannot_be_issued_to_a_finished_work_order(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 3)
    order = await inv.work_order(plant.site, status="done")
    r = await client.post(
        "/api/inventory/issues", json=_issue(order, part, bin_, 1), headers=plant.technician
    )
    assert r.status_code == 409
    assert r.json()["work_order_status"] == "done"


async def test_operators_cannot_issue_parts(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 3)
    order = await inv.work_order(plant.site)
    r = await client.post("/api/inventory/issues", json=_issue(order, part, bin_, 1), headers=plant.operator)
    assert r.status_code == 403


async def test_no_more_can_be_returned_than_was_issued_to_the_work_order(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    order = await inv.work_order(plant.site)
    await inv.issue(order, part, bin_, 2)
    r = await client.post(
        "/api/inventory/returns", json=_issue(order, part, bin_, 3), headers=plant.technician
    )
    assert r.status_code == 409
    assert (r.json()["issued"], r.json()["errors"][0]["field"]) == (2.0, "quantity")
    r = await client.post(
        "/api/inventory/returns", json=_issue(order, part, bin_, 2), headers=plant.technician
    )
    assert r.status_code == 201
    assert await on_hand(client, plant.planner, part.id, bin_.id) == 5.0


async def test_parts_cost_of_a_work_order_uses_the_unit_cost_at_each_movement(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    bearing, bin_ = await inv.stocked(plant.site, 10, unit_cost=8.0)
    belt, belt_bin = await inv.stocked(plant.site, 10, unit_cost=20.0)
    order = await inv.work_order(plant.site)
    await inv.issue(order, bearing, bin_, 3)  # 3 × 8 = 24
    await client.patch(f"/api/inventory/parts/{bearing.id}", json={"unit_cost": 10.0}, headers=plant.planner)
    await inv.session.refresh(bearing)
    await inv.issue(order, bearing, bin_, 1)  # 1 × 10 = 10
    await inv.issue(order, belt, belt_bin, 2)  # 2 × 20 = 40
    body = _issue(order, belt, belt_bin, 1)  # −1 × 20 = −20
    assert (
        await client.post("/api/inventory/returns", json=body, headers=plant.technician)
    ).status_code == 201
    r = await client.get(f"/api/inventory/work-orders/{order.id}/parts", headers=plant.operator)
    assert r.status_code == 200
    usage = {
        p["part_number"]: (p["issued"], p["returned"], p["net_quantity"], p["cost"])
        for p in r.json()["parts"]
    }
    assert usage == {bearing.number: (4.0, 0.0, 4.0, 34.0), belt.number: (2.0, 1.0, 1.0, 20.0)}
    assert r.json()["total_cost"] == 54.0


async def test_a_return_is_credited_at_the_cost_it_was_issued_at(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 10, unit_cost=8.0)
    order = await inv.work_order(plant.site)
    await inv.issue(order, part, bin_, 2)
    await client.patch(f"/api/inventory/parts/{part.id}", json={"unit_cost": 50.0}, headers=plant.planner)
    r = await client.post(
        "/api/inventory/returns", json=_issue(order, part, bin_, 2), headers=plant.technician
    )
    assert r.json()["movements"][0]["unit_cost"] == 8.0
    parts = (await client.get(f"/api/inventory/work-orders/{order.id}/parts", headers=plant.operator)).json()
    assert parts["total_cost"] == 0.0
