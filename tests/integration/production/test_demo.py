"""The production demo step: released orders in the demo line queues, plans, supplier lots."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.demo.plant import SITES
from backend.domain.assets.models import Asset
from backend.domain.genealogy.models import Lot
from backend.domain.production import demo, services
from backend.domain.quality.models import InspectionPlan
from tests.factories import Factory


async def test_the_demo_step_leaves_released_orders_waiting_on_the_demo_lines(
    session: AsyncSession, factory: Factory
) -> None:
    sites = {}
    for spec in SITES:
        site = sites[spec.code] = await factory.site(spec.code)
        for area in spec.areas:
            area_asset = await factory.asset(site, level="area", code=area.code)
            for line in area.lines:
                line_asset = await factory.asset(site, level="line", parent=area_asset, code=line.code)
                for machine in line.machines:
                    await factory.asset(site, level="machine", parent=line_asset, code=machine.code)
    await demo.seed(session, sites)
    await session.commit()
    lines = {a.code: a for a in (await session.execute(select(Asset).where(Asset.level == "line"))).scalars()}
    queued = {
        code: [item.product_sku for item in await services.line_queue(session, lines[code].id)]
        for code in lines
    }
    assert queued["N-L1"] == ["HOUSING-A", "HOUSING-A"]
    assert queued["N-L3"] == ["PUMP-P1", "PUMP-P1"]
    assert queued["S-L1"] == ["CAP-28"]
    assert (await services.line_settings(session, lines["N-L1"].id)).counting_mode == "machine"
    assert len((await session.execute(select(InspectionPlan))).all()) == 3
    supplier_lots = (
        await session.execute(select(Lot.supplier_lot).where(Lot.origin == "supplier"))
    ).scalars()
    assert "HY-88231" in set(supplier_lots)
