"""Factories for products, BOMs, routings, lines, orders, supplier lots, defect codes and plans."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from backend.domain.assets.models import Asset
from backend.domain.genealogy import services as genealogy
from backend.domain.genealogy.models import Lot
from backend.domain.genealogy.schemas import LotReceive
from backend.domain.people.models import Site
from backend.domain.production import services as production
from backend.domain.production.models import Product, ProductionOrder, Routing
from backend.domain.production.rules import CountingMode
from backend.domain.production.schemas import (
    BomLineIn,
    BomReplace,
    LineSettingsIn,
    OrderCreate,
    ProductCreate,
    RoutingCreate,
    RoutingOperationIn,
)
from backend.domain.quality import services as quality
from backend.domain.quality.models import DefectCode, InspectionPlan
from backend.domain.quality.rules import Frequency, Kind
from backend.domain.quality.schemas import CharacteristicIn, DefectCodeCreate, PlanCreate
from backend.lib.clock import Clock
from tests.factories import Factory, admin_actor

_seq = itertools.count(1)


def numeric(
    name: str = "Bore diameter",
    *,
    lower: float = 24.95,
    upper: float = 25.05,
    defect_code: str = "DIM",
    **kw: Any,
) -> CharacteristicIn:
    return CharacteristicIn(
        name=name,
        kind=Kind.NUMERIC,
        lower_limit=lower,
        upper_limit=upper,
        defect_code=defect_code,
        unit="mm",
        **kw,
    )


def pass_fail(name: str = "Visual", *, defect_code: str = "VIS", **kw: Any) -> CharacteristicIn:
    return CharacteristicIn(name=name, kind=Kind.PASS_FAIL, defect_code=defect_code, **kw)


class ProductionFactory:
    """Builds production rows through the real services and commits them."""

    def __init__(self, factory: Factory, clock: Clock) -> None:
        self.f = factory
        self.session = factory.session
        self.clock = clock

    async def product(
        self,
        site: Site,
        *,
        sku: str | None = None,
        family: str = "general",
        purchased: bool = False,
        **kw: Any,
    ) -> Product:
        n = next(_seq)
        data = ProductCreate(
            site_id=site.id,
            sku=sku or f"SKU-{n}",
            name=kw.pop("name", f"Product {n}"),
            family=family,
            purchased=purchased,
            **kw,
        )
        product = await production.create_product(self.session, admin_actor(site), data)
        await self.f.commit()
        return product

    async def bom(self, site: Site, product: Product, *lines: tuple[Product, float]) -> None:
        data = BomReplace(lines=[BomLineIn(component_id=c.id, qty_per_unit=q) for c, q in lines])
        await production.replace_bom(self.session, admin_actor(site), product.id, data)
        await self.f.commit()

    async def routing(
        self,
        site: Site,
        product: Product,
        *operations: tuple[int, str, Asset | None, float],
        release: bool = True,
    ) -> Routing:
        ops = operations or ((10, "Make", None, 30.0),)
        data = RoutingCreate(
            product_id=product.id,
            operations=[
                RoutingOperationIn(seq=s, name=n, work_center_id=wc.id if wc else None, ideal_cycle_s=t)
                for s, n, wc, t in ops
            ],
        )
        actor = admin_actor(site)
        routing = await production.create_routing(self.session, actor, data)
        if release:
            routing = await production.release_routing(self.session, actor, routing.id, self.clock)
        await self.f.commit()
        return routing

    async def line(self, site: Site, *, counting: CountingMode = CountingMode.MANUAL) -> Asset:
        line = await self.f.asset(site, level="line")
        if counting is not CountingMode.MANUAL:
            await production.set_line_settings(
                self.session, admin_actor(site), line.id, LineSettingsIn(counting_mode=counting)
            )
            await self.f.commit()
        return line

    async def order(
        self, site: Site, product: Product, line: Asset, *, quantity: int = 100, release: bool = True
    ) -> ProductionOrder:
        actor = admin_actor(site)
        data = OrderCreate(
            product_id=product.id, quantity=quantity, due_date=date(2026, 3, 6), line_id=line.id
        )
        order = await production.create_order(self.session, actor, data)
        if release:
            order = await production.release_order(self.session, actor, order.id, self.clock)
        await self.f.commit()
        return order

    async def first_operation_id(self, order: ProductionOrder) -> str:
        out = await production.order_out(self.session, order)
        return str(out.operations[0].id)

    async def supplier_lot(
        self,
        site: Site,
        product: Product,
        *,
        number: str | None = None,
        quantity: float = 100.0,
        supplier: str = "ACME Metals",
        supplier_lot: str | None = None,
    ) -> Lot:
        n = next(_seq)
        data = LotReceive(
            site_id=site.id,
            product_id=product.id,
            number=number or f"L-{n}",
            quantity=quantity,
            supplier=supplier,
            supplier_lot=supplier_lot or f"S-{n}",
        )
        lot = await genealogy.receive_lot(self.session, admin_actor(site), data, self.clock)
        await self.f.commit()
        return lot

    async def defect_code(
        self, site: Site, code: str, *, family: str = "general", name: str | None = None
    ) -> DefectCode:
        data = DefectCodeCreate(site_id=site.id, family=family, code=code, name=name or code.title())
        row = await quality.create_defect_code(self.session, admin_actor(site), data)
        await self.f.commit()
        return row

    async def plan(
        self, site: Site, product: Product, *characteristics: CharacteristicIn, operation_seq: int = 10
    ) -> InspectionPlan:
        data = PlanCreate(
            product_id=product.id,
            operation_seq=operation_seq,
            name=f"Plan {next(_seq)}",
            characteristics=list(characteristics) or [numeric()],
        )
        plan = await quality.create_plan(self.session, admin_actor(site), data)
        await self.f.commit()
        return plan


__all__ = ["Frequency", "ProductionFactory", "numeric", "pass_fail"]
