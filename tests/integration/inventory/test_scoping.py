"""Another site's parts, storerooms, bins and stock do not exist for a user."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import services
from backend.domain.inventory.schemas import IssueCreate
from backend.lib.clock import FixedClock
from tests.factories import Factory, admin_actor
from tests.factories.inventory import InventoryFactory


async def test_parts_bins_and_storerooms_of_another_site_are_404(
    client: AsyncTestClient, factory: Factory, inv: InventoryFactory
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, role="admin"))
    part, bin_ = await inv.stocked(south, 3)
    paths = [
        f"/api/inventory/parts/{part.id}",
        f"/api/inventory/parts/{part.id}/stock",
        f"/api/inventory/parts/{part.id}/movements",
        f"/api/inventory/parts/{part.id}/label.png",
        f"/api/inventory/parts/{part.id}/label.svg",
        f"/api/inventory/parts/{part.id}/reorder-points",
        f"/api/inventory/bins/{bin_.id}",
        f"/api/inventory/bins/{bin_.id}/stock",
        f"/api/inventory/bins/{bin_.id}/label.png",
        f"/api/inventory/storerooms/{bin_.storeroom_id}",
        f"/api/inventory/storerooms/{bin_.storeroom_id}/bins",
        f"/api/inventory/by-label/{part.label_token}",
        f"/api/inventory/by-label/{bin_.label_token}",
    ]
    for path in paths:
        assert (await client.get(path, headers=h)).status_code == 404, path
    assert (
        await client.patch(f"/api/inventory/parts/{part.id}", json={"name": "x"}, headers=h)
    ).status_code == 404


async def test_parts_of_another_sites_work_order_are_404(
    client: AsyncTestClient, factory: Factory, inv: InventoryFactory
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, role="admin"))
    part, bin_ = await inv.stocked(south, 3)
    order = await inv.work_order(south)
    await inv.issue(order, part, bin_, 1)
    assert (await client.get(f"/api/inventory/work-orders/{order.id}/parts", headers=h)).status_code == 404
    listed = (await client.get(f"/api/inventory/reservations?work_order_id={order.id}", headers=h)).json()
    assert listed == []


async def test_lists_hold_only_the_users_sites(
    client: AsyncTestClient, factory: Factory, inv: InventoryFactory
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, role="planner"))
    mine, _ = await inv.stocked(north, 1)
    await inv.stocked(south, 1)
    parts = (await client.get("/api/inventory/parts/", headers=h)).json()
    stock = (await client.get("/api/inventory/stock", headers=h)).json()
    rooms = (await client.get("/api/inventory/storerooms/", headers=h)).json()
    assert [p["id"] for p in parts] == [str(mine.id)]
    assert [s["part_id"] for s in stock] == [str(mine.id)]
    assert {r["site_id"] for r in rooms} == {str(north.id)}


async def test_another_sites_stock_cannot_be_issued_or_reserved(
    client: AsyncTestClient, factory: Factory, inv: InventoryFactory
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, role="technician"))
    order = await inv.work_order(north)
    part, bin_ = await inv.stocked(south, 5)
    body = {"work_order_id": str(order.id), "part_id": str(part.id), "bin_id": str(bin_.id), "quantity": 1}
    for path in ("issues", "reservations"):
        r = await client.post(f"/api/inventory/{path}", json=body, headers=h)
        assert r.status_code == 422, path
        assert r.json()["errors"][0] == {"field": "part_id", "reason": "no such part"}


async def test_a_bin_of_another_site_cannot_take_this_sites_part(
    client: AsyncTestClient, factory: Factory, inv: InventoryFactory
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, south, role="planner"))
    part = await inv.part(north)
    foreign_bin = await inv.bin(south)
    body = {"part_id": str(part.id), "bin_id": str(foreign_bin.id), "quantity": 1}
    r = await client.post("/api/inventory/receipts", json=body, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "bin_id"


async def test_discrepancies_of_another_site_are_neither_listed_nor_resolvable(
    client: AsyncTestClient, factory: Factory, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, role="planner"))
    part, bin_ = await inv.stocked(south, 0)
    order = await inv.work_order(south)
    data = IssueCreate(work_order_id=order.id, part_id=part.id, bin_id=bin_.id, quantity=1)
    actor = admin_actor(south)
    posted = await services.issue_to_work_order(
        session, actor, data, clock, offline_delta=True, device_id=uuid.uuid4(), mutation_id=1
    )
    await session.commit()
    assert posted.discrepancy is not None
    assert (await client.get("/api/inventory/discrepancies", headers=h)).json() == []
    path = f"/api/inventory/discrepancies/{posted.discrepancy.id}/resolve"
    r = await client.post(path, json={"counted_quantity": 0, "reason": "count"}, headers=h)
    assert r.status_code == 404
