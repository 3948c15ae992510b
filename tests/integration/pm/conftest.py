"""Fixtures of the PM tests: the PM factory on the test clock, and a site with a machine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.domain.assets.models import Asset
from backend.domain.people.models import Site
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.pm import PmFactory


@pytest.fixture
def pm(factory: Factory, clock: FixedClock, session_maker: async_sessionmaker[Any]) -> PmFactory:
    return PmFactory(factory, clock, session_maker)


@dataclass
class Cell:
    site: Site
    machine: Asset


@pytest.fixture
async def cell(factory: Factory) -> Cell:
    site = await factory.site()
    return Cell(site, await factory.asset(site, asset_class="cnc-mill"))
