"""Fixtures of the inventory tests: the inventory factory and a site with its people."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from litestar.testing import AsyncTestClient

from backend.domain.people.models import Site
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.inventory import InventoryFactory


@pytest.fixture
def inv(factory: Factory, clock: FixedClock) -> InventoryFactory:
    return InventoryFactory(factory, clock)


@dataclass
class Plant:
    site: Site
    planner: dict[str, str]
    technician: dict[str, str]
    operator: dict[str, str]


@pytest.fixture
async def plant(factory: Factory) -> Plant:
    """A site with a planner, a technician and an operator (their auth headers)."""
    site = await factory.site()
    headers = {}
    for role in ("planner", "technician", "operator"):
        headers[role] = await factory.headers(await factory.user(site, role=role))
    return Plant(site=site, **headers)


async def on_hand(client: AsyncTestClient, headers: dict[str, str], part_id: object, bin_id: object) -> float:
    lines = (await client.get(f"/api/inventory/bins/{bin_id}/stock", headers=headers)).json()
    return sum(line["on_hand"] for line in lines if line["part_id"] == str(part_id))
