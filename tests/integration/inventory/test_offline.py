"""Late offline deltas: kept even when they overdraw, flagged as discrepancies, never counted twice."""

from __future__ import annotations

import uuid

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import services
from backend.domain.inventory.models import Bin, Part, StockDiscrepancy, StockMovement
from backend.domain.inventory.schemas import IssueCreate, ReturnCreate, TransferCreate
from backend.domain.maintenance.models import WorkOrder
from backend.domain.people.models import Site
from backend.domain.people.roles import Actor, Role
from backend.lib.clock import FixedClock
from backend.lib.errors import Conflict, ValidationFailed
from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant

DEVICE = uuid.UUID("0190f0f0-0000-7000-8000-00000000d001")


def _technician(site: Site) -> Actor:
    return Actor(
        user_id=uuid.UUID(int=0),
        username="tech",
        role=Role.TECHNICIAN,
        site_ids=frozenset({site.id}),
        device_id=DEVICE,
    )


def _issue(order: WorkOrder, part: Part, bin_: Bin, quantity: float) -> IssueCreate:
    return IssueCreate(work_order_id=order.id, part_id=part.id, bin_id=bin_.id, quantity=quantity)


async def _count(session: AsyncSession, model: type, part_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(model).where(model.part_id == part_id)  # type: ignore[attr-defined]
    return int(await session.scalar(stmt) or 0)


async def test_an_offline_delta_that_overdraws_is_kept_and_raises_a_discrepancy(
    plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    order = await inv.work_order(plant.site)
    posted = await services.issue_to_work_order(
        session,
        _technician(plant.site),
        _issue(order, part, bin_, 3),
        clock,
        offline_delta=True,
        mutation_id=7,
    )
    await session.commit()
    [movement] = posted.movements
    assert (movement.quantity, movement.offline, movement.device_id, movement.mutation_id) == (
        -3.0,
        True,
        DEVICE,
        7,
    )
    assert posted.discrepancy is not None
    assert (posted.discrepancy.shortfall, posted.discrepancy.on_hand_after) == (2.0, -2.0)
    assert await services.ledger_on_hand(session, part.id, bin_.id) == -2.0


async def test_an_offline_delta_within_stock_raises_no_discrepancy(
    plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    order = await inv.work_order(plant.site)
    posted = await services.issue_to_work_order(
        session,
        _technician(plant.site),
        _issue(order, part, bin_, 3),
        clock,
        offline_delta=True,
        mutation_id=1,
    )
    assert posted.discrepancy is None
    assert await _count(session, StockDiscrepancy, part.id) == 0


async def test_a_retried_delta_is_never_counted_twice(
    plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    order = await inv.work_order(plant.site)
    actor = _technician(plant.site)
    first = await services.issue_to_work_order(
        session, actor, _issue(order, part, bin_, 3), clock, offline_delta=True, mutation_id=42
    )
    await session.commit()
    again = await services.issue_to_work_order(
        session, actor, _issue(order, part, bin_, 3), clock, offline_delta=True, mutation_id=42
    )
    await session.commit()
    assert again.replayed
    assert [m.id for m in again.movements] == [m.id for m in first.movements]
    assert again.discrepancy is not None and first.discrepancy is not None
    assert again.discrepancy.id == first.discrepancy.id
    assert await services.ledger_on_hand(session, part.id, bin_.id) == -2.0
    assert await _count(session, StockMovement, part.id) == 2
    assert await _count(session, StockDiscrepancy, part.id) == 1


async def test_the_database_refuses_a_second_movement_with_the_same_delta_key(
    plant: Plant, inv: InventoryFactory, session: AsyncSession
) -> None:
    part, _ = await inv.stocked(plant.site, 5)
    row = (await session.execute(select(StockMovement).where(StockMovement.part_id == part.id))).scalar_one()
    values = {c.key: getattr(row, c.key) for c in StockMovement.__table__.columns if c.key != "id"}
    values.update(device_id=DEVICE, mutation_id=9)
    session.add(StockMovement(**values))
    await session.commit()
    session.add(StockMovement(**values))
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_a_delta_key_reused_for_another_movement_is_a_conflict(
    plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    order = await inv.work_order(plant.site)
    actor = _technician(plant.site)
    await services.issue_to_work_order(
        session, actor, _issue(order, part, bin_, 1), clock, offline_delta=True, mutation_id=3
    )
    await inv.issue(order, part, bin_, 1)
    with pytest.raises(Conflict):
        await services.return_from_work_order(
            session,
            actor,
            ReturnCreate(work_order_id=order.id, part_id=part.id, bin_id=bin_.id, quantity=1),
            clock,
            offline_delta=True,
            mutation_id=3,
        )


async def test_an_offline_delta_needs_its_device_and_mutation_number(
    plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    order = await inv.work_order(plant.site)
    with pytest.raises(ValidationFailed) as caught:
        await services.issue_to_work_order(
            session, _technician(plant.site), _issue(order, part, bin_, 1), clock, offline_delta=True
        )
    assert caught.value.errors[0].field == "mutation_id"


async def test_a_late_offline_issue_to_a_finished_work_order_is_still_kept(
    plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 5)
    order = await inv.work_order(plant.site, status="done")
    posted = await services.issue_to_work_order(
        session,
        _technician(plant.site),
        _issue(order, part, bin_, 2),
        clock,
        offline_delta=True,
        mutation_id=5,
    )
    assert posted.movements[0].work_order_id == order.id
    assert await services.ledger_on_hand(session, part.id, bin_.id) == 3.0


async def test_an_offline_transfer_carries_the_key_on_its_outgoing_leg_and_replays_both(
    plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, source = await inv.stocked(plant.site, 1)
    target = await inv.bin(plant.site)
    planner = Actor(
        user_id=uuid.UUID(int=0), username="p", role=Role.PLANNER, site_ids=frozenset({plant.site.id})
    )
    data = TransferCreate(part_id=part.id, from_bin_id=source.id, to_bin_id=target.id, quantity=2)
    kwargs = {"offline_delta": True, "device_id": DEVICE, "mutation_id": 11}
    first = await services.transfer(session, planner, data, clock, **kwargs)  # type: ignore[arg-type]
    again = await services.transfer(session, planner, data, clock, **kwargs)  # type: ignore[arg-type]
    assert {m.id for m in again.movements} == {m.id for m in first.movements}
    assert first.discrepancy is not None
    assert await services.ledger_on_hand(session, part.id, source.id) == -1.0
    assert await services.ledger_on_hand(session, part.id, target.id) == 2.0


async def test_discrepancies_are_listed_and_resolved_by_a_counted_adjustment(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    order = await inv.work_order(plant.site)
    actor = _technician(plant.site)
    for mutation, quantity in ((1, 2), (2, 1)):
        await services.issue_to_work_order(
            session,
            actor,
            _issue(order, part, bin_, quantity),
            clock,
            offline_delta=True,
            mutation_id=mutation,
        )
    await session.commit()
    listed = (await client.get("/api/inventory/discrepancies?status=open", headers=plant.planner)).json()
    assert sorted(d["shortfall"] for d in listed) == [1.0, 2.0]
    body = {"counted_quantity": 0, "reason": "recount after offline issues"}
    r = await client.post(
        f"/api/inventory/discrepancies/{listed[0]['id']}/resolve", json=body, headers=plant.planner
    )
    assert r.status_code == 200, r.text
    [adjustment] = r.json()["movements"]
    assert (adjustment["kind"], adjustment["quantity"], adjustment["on_hand_after"]) == (
        "adjustment",
        2.0,
        0.0,
    )
    assert r.json()["discrepancy"]["status"] == "resolved"
    assert (await client.get("/api/inventory/discrepancies?status=open", headers=plant.planner)).json() == []
    ledger = (await client.get(f"/api/inventory/parts/{part.id}/movements", headers=plant.planner)).json()
    assert [m["kind"] for m in ledger] == ["adjustment", "issue", "issue", "receipt"]


async def test_technicians_cannot_resolve_discrepancies(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory, session: AsyncSession, clock: FixedClock
) -> None:
    part, bin_ = await inv.stocked(plant.site, 0)
    order = await inv.work_order(plant.site)
    posted = await services.issue_to_work_order(
        session,
        _technician(plant.site),
        _issue(order, part, bin_, 1),
        clock,
        offline_delta=True,
        mutation_id=1,
    )
    await session.commit()
    assert posted.discrepancy is not None
    body = {"counted_quantity": 0, "reason": "count"}
    path = f"/api/inventory/discrepancies/{posted.discrepancy.id}/resolve"
    assert (await client.post(path, json=body, headers=plant.technician)).status_code == 403
