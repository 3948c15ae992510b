"""A small plant for sync tests: two sites, people of every role, a mill with a checklist, a work
order assigned to the technician, failure codes, stocked parts, a stop to classify."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.domain.assets.models import Asset
from backend.domain.inventory.models import Bin, Part
from backend.domain.maintenance.models import FailureCode, WorkOrder
from backend.domain.people.models import Site, User
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.factories.inventory import InventoryFactory
from tests.integration.replication._device import Device, device_for


@dataclass
class Plant:
    north: Site
    south: Site
    planner: User
    tech: User
    tech2: User
    operator: User
    south_tech: User
    machine: Asset
    wo: WorkOrder
    codes: dict[str, FailureCode]
    part: Part
    bin: Bin
    factory: Factory
    http: AsyncTestClient[Litestar]

    async def device(self, user: User) -> Device:
        return await device_for(self.factory, self.http, user)


@pytest.fixture
async def plant(factory: Factory, client: AsyncTestClient[Litestar], clock: FixedClock) -> Plant:
    north = await factory.site()
    south = await factory.site()
    users: dict[str, Any] = {
        "planner": await factory.user(north, role="planner"),
        "tech": await factory.user(north, role="technician", hourly_rate=60.0),
        "tech2": await factory.user(north, role="technician"),
        "operator": await factory.user(north, role="operator"),
        "south_tech": await factory.user(south, role="technician"),
    }
    machine = await factory.asset(north, asset_class="cnc-mill", code="CNC-1")
    template = await mf.template(factory, north)
    wo = await mf.work_order(
        factory,
        machine,
        clock,
        assignees=[users["tech"], users["tech2"]],
        checklist_template_id=template.id,
        title="Spindle noise",
    )
    codes = {
        kind: await mf.failure_code(factory, north, kind, f"{kind.upper()}-1")
        for kind in ("problem", "cause", "remedy")
    }
    codes["problem2"] = await mf.failure_code(factory, north, "problem", "PROBLEM-2")
    inventory = InventoryFactory(factory, clock)
    part, bin_ = await inventory.stocked(north, 3)
    return Plant(
        north=north,
        south=south,
        machine=machine,
        wo=wo,
        codes=codes,
        part=part,
        bin=bin_,
        factory=factory,
        http=client,
        **users,
    )
