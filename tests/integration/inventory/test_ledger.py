"""Stock is a ledger: on hand is the sum of movements, history is never rewritten."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import services
from backend.domain.inventory.models import LedgerIsAppendOnly, StockBalance, StockMovement
from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant, on_hand


async def test_on_hand_is_the_sum_of_the_ledger_after_every_kind_of_movement(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory, session: AsyncSession
) -> None:
    part, bin_a = await inv.stocked(plant.site, 0)
    bin_b = await inv.bin(plant.site)
    order = await inv.work_order(plant.site)
    steps = [
        ("receipts", {"bin_id": str(bin_a.id), "quantity": 10}, plant.planner),
        (
            "issues",
            {"work_order_id": str(order.id), "bin_id": str(bin_a.id), "quantity": 3},
            plant.technician,
        ),
        (
            "returns",
            {"work_order_id": str(order.id), "bin_id": str(bin_a.id), "quantity": 1},
            plant.technician,
        ),
        (
            "transfers",
            {"from_bin_id": str(bin_a.id), "to_bin_id": str(bin_b.id), "quantity": 2.5},
            plant.planner,
        ),
        ("adjustments", {"bin_id": str(bin_a.id), "delta": -0.5, "reason": "cycle count"}, plant.planner),
    ]
    for path, body, headers in steps:
        r = await client.post(
            f"/api/inventory/{path}", json={"part_id": str(part.id), **body}, headers=headers
        )
        assert r.status_code == 201, (path, r.text)
    part_id, expected = part.id, {bin_a.id: 5.0, bin_b.id: 2.5}
    session.expire_all()
    for bin_id, quantity in expected.items():
        assert await services.ledger_on_hand(session, part_id, bin_id) == quantity
        assert await on_hand(client, plant.operator, part_id, bin_id) == quantity


async def test_every_movement_records_the_on_hand_it_left(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 4)
    body = {"part_id": str(part.id), "bin_id": str(bin_.id), "quantity": 6}
    await client.post("/api/inventory/receipts", json=body, headers=plant.planner)
    ledger = (await client.get(f"/api/inventory/parts/{part.id}/movements", headers=plant.operator)).json()
    assert [(m["kind"], m["quantity"], m["on_hand_after"]) for m in ledger] == [
        ("receipt", 6.0, 10.0),
        ("receipt", 4.0, 4.0),
    ]


async def test_available_excludes_open_reservations(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 10)
    order = await inv.work_order(plant.site)
    body = {"work_order_id": str(order.id), "part_id": str(part.id), "bin_id": str(bin_.id), "quantity": 4}
    r = await client.post("/api/inventory/reservations", json=body, headers=plant.technician)
    assert r.status_code == 201, r.text
    [line] = (await client.get(f"/api/inventory/bins/{bin_.id}/stock", headers=plant.operator)).json()
    assert (line["on_hand"], line["reserved"], line["available"]) == (10.0, 4.0, 6.0)


async def test_releasing_a_reservation_makes_the_parts_available_again(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 10)
    reservation = await inv.reserve(await inv.work_order(plant.site), part, bin_, 4)
    path = f"/api/inventory/reservations/{reservation.id}/release"
    r = await client.post(path, json={"quantity": 1}, headers=plant.technician)
    assert (r.json()["remaining"], r.json()["status"]) == (3.0, "open")
    r = await client.post(path, headers=plant.technician)
    assert (r.json()["remaining"], r.json()["status"]) == (0.0, "cancelled")
    [line] = (await client.get(f"/api/inventory/bins/{bin_.id}/stock", headers=plant.operator)).json()
    assert line["available"] == 10.0


async def test_more_than_is_available_cannot_be_reserved(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 3)
    order = await inv.work_order(plant.site)
    await inv.reserve(order, part, bin_, 2)
    body = {"work_order_id": str(order.id), "part_id": str(part.id), "bin_id": str(bin_.id), "quantity": 2}
    r = await client.post("/api/inventory/reservations", json=body, headers=plant.technician)
    assert r.status_code == 409
    assert (r.json()["on_hand"], r.json()["reserved"], r.json()["available"]) == (3.0, 2.0, 1.0)


async def test_a_transfer_moves_stock_between_bins_as_one_paired_change(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, source = await inv.stocked(plant.site, 5)
    target = await inv.bin(plant.site)
    body = {
        "part_id": str(part.id),
        "from_bin_id": str(source.id),
        "to_bin_id": str(target.id),
        "quantity": 2,
    }
    r = await client.post("/api/inventory/transfers", json=body, headers=plant.planner)
    assert r.status_code == 201, r.text
    out, into = r.json()["movements"]
    assert (out["kind"], out["quantity"], into["kind"], into["quantity"]) == (
        "transfer_out",
        -2.0,
        "transfer_in",
        2.0,
    )
    assert out["transfer_id"] == into["transfer_id"]
    assert {s["bin_id"]: s["on_hand"] for s in r.json()["stock"]} == {
        str(source.id): 3.0,
        str(target.id): 2.0,
    }


async def test_a_transfer_of_more_than_available_moves_nothing(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, source = await inv.stocked(plant.site, 1)
    target = await inv.bin(plant.site)
    body = {
        "part_id": str(part.id),
        "from_bin_id": str(source.id),
        "to_bin_id": str(target.id),
        "quantity": 2,
    }
    r = await client.post("/api/inventory/transfers", json=body, headers=plant.planner)
    assert r.status_code == 409
    assert await on_hand(client, plant.planner, part.id, source.id) == 1.0
    assert await on_hand(client, plant.planner, part.id, target.id) == 0.0


async def test_an_adjustment_without_a_reason_is_refused(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    for body in (
        {"counted_quantity": 4},
        {"counted_quantity": 4, "reason": ""},
        {"delta": 1, "reason": "   "},
    ):
        full = {"part_id": str(part.id), "bin_id": str(bin_.id), **body}
        r = await client.post("/api/inventory/adjustments", json=full, headers=plant.planner)
        assert r.status_code in (400, 422), r.text
        assert r.json()["errors"][0]["field"] == "reason"
    assert await on_hand(client, plant.planner, part.id, bin_.id) == 5.0


async def test_a_cycle_count_books_the_difference_to_the_counted_quantity(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    body = {"part_id": str(part.id), "bin_id": str(bin_.id), "counted_quantity": 3, "reason": "cycle count"}
    r = await client.post("/api/inventory/adjustments", json=body, headers=plant.planner)
    assert r.status_code == 201, r.text
    [movement] = r.json()["movements"]
    assert (movement["kind"], movement["quantity"], movement["reason"]) == ("adjustment", -2.0, "cycle count")
    assert await on_hand(client, plant.planner, part.id, bin_.id) == 3.0


async def test_technicians_cannot_receive_adjust_or_transfer(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    other = await inv.bin(plant.site)
    bodies = {
        "receipts": {"bin_id": str(bin_.id), "quantity": 1},
        "adjustments": {"bin_id": str(bin_.id), "delta": 1, "reason": "found"},
        "transfers": {"from_bin_id": str(bin_.id), "to_bin_id": str(other.id), "quantity": 1},
    }
    for path, body in bodies.items():
        r = await client.post(
            f"/api/inventory/{path}", json={"part_id": str(part.id), **body}, headers=plant.technician
        )
        assert r.status_code == 403, path


async def test_ledger_rows_cannot_be_changed_or_deleted(
    plant: Plant, inv: InventoryFactory, session: AsyncSession
) -> None:
    part, _ = await inv.stocked(plant.site, 5)
    part_id = part.id
    movement = (
        await session.execute(select(StockMovement).where(StockMovement.part_id == part_id))
    ).scalar_one()
    movement.quantity = 50
    with pytest.raises(LedgerIsAppendOnly):
        await session.flush()
    await session.rollback()
    await session.delete(movement)
    with pytest.raises(LedgerIsAppendOnly):
        await session.flush()
    await session.rollback()
    session.expire_all()
    balance = (
        await session.execute(select(StockBalance).where(StockBalance.part_id == part_id))
    ).scalar_one()
    assert balance.on_hand == 5.0
