"""Factories for parts, storerooms, bins, stock and the work orders parts are booked to."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import func, select

from backend.domain.assets.models import Asset
from backend.domain.inventory import services
from backend.domain.inventory.models import Bin, Part, StockReservation, Storeroom
from backend.domain.inventory.schemas import (
    BinCreate,
    IssueCreate,
    PartCreate,
    ReceiptCreate,
    ReorderPointSet,
    ReservationCreate,
    StoreroomCreate,
)
from backend.domain.maintenance.models import WorkOrder
from backend.domain.people.models import Site
from backend.lib.clock import Clock
from tests.factories import Factory, admin_actor

_seq = itertools.count(1)


class InventoryFactory:
    """Builds inventory rows through the inventory services and commits them."""

    def __init__(self, factory: Factory, clock: Clock) -> None:
        self.factory = factory
        self.session = factory.session
        self.clock = clock

    async def part(self, site: Site, *, number: str | None = None, **kw: Any) -> Part:
        n = next(_seq)
        data = PartCreate(
            site_id=site.id,
            number=number or f"P-{n:04d}",
            name=kw.pop("name", f"Part {n}"),
            unit_cost=kw.pop("unit_cost", 10.0),
            **kw,
        )
        part = await services.create_part(self.session, admin_actor(site), data)
        await self.factory.commit()
        return part

    async def storeroom(self, site: Site, *, code: str | None = None, **kw: Any) -> Storeroom:
        n = next(_seq)
        data = StoreroomCreate(
            site_id=site.id, code=code or f"SR-{n}", name=kw.pop("name", f"Store {n}"), **kw
        )
        room = await services.create_storeroom(self.session, admin_actor(site), data)
        await self.factory.commit()
        return room

    async def bin(self, site: Site, storeroom: Storeroom | None = None, *, code: str | None = None) -> Bin:
        room = storeroom or await self.storeroom(site)
        data = BinCreate(code=code or f"B-{next(_seq)}")
        bin_ = await services.create_bin(self.session, admin_actor(site), room.id, data)
        await self.factory.commit()
        return bin_

    async def receive(
        self, part: Part, bin_: Bin, quantity: float, *, unit_cost: float | None = None
    ) -> None:
        site = await self.session.get(Site, part.site_id)
        assert site is not None
        data = ReceiptCreate(part_id=part.id, bin_id=bin_.id, quantity=quantity, unit_cost=unit_cost)
        await services.receive(self.session, admin_actor(site), data, self.clock)
        await self.factory.commit()

    async def stocked(self, site: Site, quantity: float = 10, **kw: Any) -> tuple[Part, Bin]:
        """A part with `quantity` on hand in a fresh bin."""
        part = await self.part(site, **kw)
        bin_ = await self.bin(site)
        if quantity:
            await self.receive(part, bin_, quantity)
        return part, bin_

    async def work_order(
        self, site: Site, *, status: str = "in_progress", asset: Asset | None = None
    ) -> WorkOrder:
        """A work order row in the wanted status (the maintenance context owns its life cycle)."""
        asset = asset or await self.factory.asset(site)
        last = await self.session.scalar(select(func.max(WorkOrder.seq)).where(WorkOrder.site_id == site.id))
        seq = int(last or 0) + 1
        order = WorkOrder(
            site_id=site.id,
            seq=seq,
            number=f"WO-{seq:06d}",
            type="corrective",
            status=status,
            title=f"Repair {asset.code}",
            asset_id=asset.id,
            priority="medium",
        )
        self.session.add(order)
        await self.factory.commit()
        return order

    async def reserve(self, order: WorkOrder, part: Part, bin_: Bin, quantity: float) -> StockReservation:
        site = await self.session.get(Site, part.site_id)
        assert site is not None
        data = ReservationCreate(work_order_id=order.id, part_id=part.id, bin_id=bin_.id, quantity=quantity)
        row = await services.reserve(self.session, admin_actor(site), data, self.clock)
        await self.factory.commit()
        return row

    async def issue(self, order: WorkOrder, part: Part, bin_: Bin, quantity: float) -> None:
        site = await self.session.get(Site, part.site_id)
        assert site is not None
        data = IssueCreate(work_order_id=order.id, part_id=part.id, bin_id=bin_.id, quantity=quantity)
        await services.issue_to_work_order(self.session, admin_actor(site), data, self.clock)
        await self.factory.commit()

    async def reorder_point(self, part: Part, storeroom: Storeroom, point: float, quantity: float) -> None:
        site = await self.session.get(Site, part.site_id)
        assert site is not None
        data = ReorderPointSet(reorder_point=point, reorder_quantity=quantity)
        await services.set_reorder_point(self.session, admin_actor(site), part.id, storeroom.id, data)
        await self.factory.commit()
