"""Two people issuing the last unit of a bin at the same time: exactly one gets it (PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.scope import bind_scope
from backend.domain.inventory import services
from backend.domain.inventory.models import Bin, Part, StockBalance
from backend.domain.inventory.schemas import IssueCreate
from backend.domain.inventory.services import _consumption
from backend.domain.maintenance.models import WorkOrder
from backend.domain.people.models import Site
from backend.domain.people.roles import Actor, Role
from backend.lib.clock import Clock, FixedClock
from backend.lib.errors import Conflict
from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant

pytestmark = pytest.mark.postgres_only


@pytest.fixture(autouse=True)
def _postgres_only(db_engine_name: str) -> None:
    if db_engine_name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has a single writer")


def _technician(site: Site) -> Actor:
    return Actor(user_id=uuid.UUID(int=0), username="t", role=Role.TECHNICIAN, site_ids=frozenset({site.id}))


async def _race(
    maker: async_sessionmaker[Any], site: Site, part: Part, bin_: Bin, orders: list[WorkOrder], clock: Clock
) -> list[str]:
    started = asyncio.Barrier(len(orders))

    async def attempt(order: WorkOrder) -> str:
        async with maker() as session:
            bind_scope(session, [site.id])
            await session.execute(select(Part).where(Part.id == part.id))  # both transactions are open
            await started.wait()
            data = IssueCreate(work_order_id=order.id, part_id=part.id, bin_id=bin_.id, quantity=1)
            try:
                await services.issue_to_work_order(session, _technician(site), data, clock)
                await session.commit()
            except Conflict:
                await session.rollback()
                return "refused"
            return "issued"

    return list(await asyncio.wait_for(asyncio.gather(*(attempt(o) for o in orders)), timeout=30))


async def test_two_concurrent_issues_of_the_last_unit_let_exactly_one_through(
    plant: Plant, inv: InventoryFactory, session_maker: async_sessionmaker[Any], session: AsyncSession
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    orders = [await inv.work_order(plant.site), await inv.work_order(plant.site)]
    clock = FixedClock(inv.clock.now())
    results = await _race(session_maker, plant.site, part, bin_, orders, clock)
    assert sorted(results) == ["issued", "refused"]
    async with session_maker() as check:
        assert await services.ledger_on_hand(check, part.id, bin_.id) == 0.0
        balance = await check.get(StockBalance, (part.id, bin_.id))
        assert balance is not None and balance.on_hand == 0.0


async def test_without_the_balance_lock_both_issues_would_pass(
    plant: Plant,
    inv: InventoryFactory,
    session_maker: async_sessionmaker[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race above is real: reading the balance without `FOR UPDATE` lets both through."""
    part, bin_ = await inv.stocked(plant.site, 1)
    orders = [await inv.work_order(plant.site), await inv.work_order(plant.site)]
    both_read = asyncio.Barrier(2)

    async def unlocked(session: AsyncSession, part: Part, bin_: Bin, clock: Clock) -> StockBalance:
        stmt = (
            select(StockBalance)
            .where(StockBalance.part_id == part.id, StockBalance.bin_id == bin_.id)
            .execution_options(populate_existing=True)
        )
        row = (await session.execute(stmt)).scalar_one()
        await both_read.wait()
        return row

    monkeypatch.setattr(_consumption, "lock_balance", unlocked)
    results = await _race(session_maker, plant.site, part, bin_, orders, FixedClock(inv.clock.now()))
    assert results == ["issued", "issued"]
    async with session_maker() as check:
        assert await services.ledger_on_hand(check, part.id, bin_.id) == -1.0
