"""A small plant for maintenance tests: two sites, people of every role, a CNC mill."""

from __future__ import annotations

import pytest

from tests.factories import Factory
from tests.integration.maintenance._api import Plant


@pytest.fixture
async def plant(factory: Factory) -> Plant:
    north = await factory.site()
    south = await factory.site()
    users = {
        "planner": await factory.user(north, role="planner"),
        "tech": await factory.user(north, role="technician", hourly_rate=60.0),
        "tech2": await factory.user(north, role="technician", hourly_rate=40.0),
        "operator": await factory.user(north, role="operator"),
        "south_tech": await factory.user(south, role="technician"),
    }
    machine = await factory.asset(north, asset_class="cnc-mill", code="CNC-1")
    headers = {name: await factory.headers(user) for name, user in users.items()}
    return Plant(north=north, south=south, machine=machine, h=headers, **users)
