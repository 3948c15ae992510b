"""The demo spare parts: a stocked main storeroom per site, with a few parts to reorder."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import demo, services
from tests.factories import Factory


async def test_every_demo_site_gets_a_stocked_storeroom_and_a_few_reorder_suggestions(
    factory: Factory, session: AsyncSession
) -> None:
    sites = {"NORTH": await factory.site("D-NORTH"), "SOUTH": await factory.site("D-SOUTH")}
    await demo.seed(session, sites)
    await session.commit()
    for site in sites.values():
        [room] = await services.list_storerooms(session, site_id=site.id)
        parts = await services.list_parts(session, site_id=site.id)
        stock = await services.stock_lines(session, storeroom_id=room.id)
        suggestions = await services.reorder_suggestions(session, site_id=site.id)
        assert len(parts) == len(demo.PARTS)
        assert len(stock) == len(demo.PARTS)
        assert 2 <= len(suggestions) <= 4
        assert {s.part_number for s in suggestions} <= {p[0] for p in demo.PARTS}
