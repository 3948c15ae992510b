"""Bad input to inventory endpoints: a problem-details 4xx naming the field, and no change."""

from __future__ import annotations

import uuid

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory.models import Part, StockMovement
from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant, on_hand


async def _count(session: AsyncSession, model: type) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -2}, "quantity"),
        ({"quantity": "two"}, "quantity"),
        ({"bin_id": "not-a-uuid"}, "bin_id"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_a_bad_receipt_names_the_field_and_stores_nothing(
    client: AsyncTestClient,
    plant: Plant,
    inv: InventoryFactory,
    session: AsyncSession,
    change: dict[str, object],
    field: str,
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    body = {"part_id": str(part.id), "bin_id": str(bin_.id), "quantity": 1, **change}
    before = await _count(session, StockMovement)
    r = await client.post("/api/inventory/receipts", json=body, headers=plant.planner)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == field
    assert await _count(session, StockMovement) == before


async def test_an_unknown_bin_is_named_and_nothing_moves(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory, session: AsyncSession
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    body = {"part_id": str(part.id), "bin_id": str(uuid.uuid4()), "quantity": 1}
    r = await client.post("/api/inventory/receipts", json=body, headers=plant.planner)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "bin_id", "reason": "no such bin"}]
    assert await on_hand(client, plant.planner, part.id, bin_.id) == 1.0


async def test_an_unknown_work_order_is_named(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    body = {
        "work_order_id": str(uuid.uuid4()),
        "part_id": str(part.id),
        "bin_id": str(bin_.id),
        "quantity": 1,
    }
    r = await client.post("/api/inventory/issues", json=body, headers=plant.technician)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "work_order_id", "reason": "no such work order"}]


async def test_a_part_with_a_blank_name_is_refused_by_field(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    body = {"site_id": str(plant.site.id), "number": "P-1", "name": "", "unit_cost": 1}
    r = await client.post("/api/inventory/parts/", json=body, headers=plant.planner)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "name"
    assert await _count(session, Part) == 0


async def test_a_negative_unit_cost_is_refused_by_field(client: AsyncTestClient, plant: Plant) -> None:
    body = {"site_id": str(plant.site.id), "number": "P-1", "name": "Seal", "unit_cost": -1}
    r = await client.post("/api/inventory/parts/", json=body, headers=plant.planner)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "unit_cost"


async def test_an_adjustment_must_give_a_count_or_a_delta_not_both(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    base = {"part_id": str(part.id), "bin_id": str(bin_.id), "reason": "count"}
    for extra in ({}, {"counted_quantity": 1, "delta": 1}):
        r = await client.post("/api/inventory/adjustments", json={**base, **extra}, headers=plant.planner)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "counted_quantity"
    assert await on_hand(client, plant.planner, part.id, bin_.id) == 5.0


async def test_an_online_adjustment_below_zero_is_refused(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 2)
    body = {"part_id": str(part.id), "bin_id": str(bin_.id), "delta": -3, "reason": "broken"}
    r = await client.post("/api/inventory/adjustments", json=body, headers=plant.planner)
    assert r.status_code == 409
    assert (r.json()["on_hand"], r.json()["errors"][0]["field"]) == (2.0, "delta")
    assert await on_hand(client, plant.planner, part.id, bin_.id) == 2.0


async def test_a_transfer_to_the_same_bin_is_refused(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 2)
    body = {"part_id": str(part.id), "from_bin_id": str(bin_.id), "to_bin_id": str(bin_.id), "quantity": 1}
    r = await client.post("/api/inventory/transfers", json=body, headers=plant.planner)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "to_bin_id"


async def test_receipts_into_an_inactive_bin_are_refused(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 2)
    await client.patch(f"/api/inventory/bins/{bin_.id}", json={"active": False}, headers=plant.planner)
    body = {"part_id": str(part.id), "bin_id": str(bin_.id), "quantity": 1}
    r = await client.post("/api/inventory/receipts", json=body, headers=plant.planner)
    assert r.status_code == 422
    assert r.json()["errors"][0] == {"field": "bin_id", "reason": "the bin is inactive"}
