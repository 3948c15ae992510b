"""Inventory feeds the maintenance context: parts cost per work order, reservations freed on close."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import hooks, services
from backend.domain.maintenance import events
from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant


async def test_maintenance_parts_cost_includes_parts_issued_at_cost(
    plant: Plant, inv: InventoryFactory, session: AsyncSession
) -> None:
    part, bin_ = await inv.stocked(plant.site, 10, unit_cost=12.5)
    order, idle = await inv.work_order(plant.site), await inv.work_order(plant.site)
    await inv.issue(order, part, bin_, 2)
    assert services.parts_cost_by_work_order in events.parts_cost_provider
    costs = await events.parts_costs(session, [order.id, idle.id])
    assert costs == {order.id: 25.0, idle.id: 0.0}


async def test_closing_a_work_order_releases_what_it_still_holds_reserved(
    plant: Plant, inv: InventoryFactory, session: AsyncSession
) -> None:
    part, bin_ = await inv.stocked(plant.site, 10)
    order = await inv.work_order(plant.site)
    reservation = await inv.reserve(order, part, bin_, 4)
    await inv.issue(order, part, bin_, 1)
    assert hooks.release_reservations_on_close in events.on_closed
    order.status = "done"
    await hooks.release_reservations_on_close(session, order)
    await hooks.release_reservations_on_close(session, order)
    await session.commit()
    row = await services.get_reservation(session, reservation.id)
    assert (row.issued_quantity, row.released_quantity, row.status) == (1.0, 3.0, "fulfilled")
    [line] = await services.stock_lines(session, bin_id=bin_.id)
    assert (line.on_hand, line.reserved, line.available) == (9.0, 0.0, 9.0)
