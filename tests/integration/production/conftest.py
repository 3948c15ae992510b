"""Fixtures of the production, quality and genealogy tests: a small shop floor ready to run.

Building the whole app costs more than most of these tests, so one app per database engine
serves every test here, on one database per engine emptied before each test (on PostgreSQL the
shared per-session database; on SQLite one migrated copy of the template for this package).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from backend.app import create_app
from backend.db.engine import make_engine
from backend.domain.assets.models import Asset
from backend.domain.genealogy.models import Lot
from backend.domain.people.models import Site
from backend.domain.production.models import Product, ProductionOrder
from backend.lib.clock import FixedClock
from backend.settings import Settings
from tests import databases
from tests.factories import Factory
from tests.factories.production import ProductionFactory

_APPS: dict[str, Litestar] = {}


@pytest.fixture(scope="session")
def production_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return databases.fresh_sqlite(sqlite_template, tmp_path_factory.mktemp("production") / "test.db")


async def _empty_sqlite(url: str) -> None:
    engine = make_engine(url, null_pool=True)
    async with engine.begin() as conn:
        for name in databases._table_names():
            await conn.execute(text(f'DELETE FROM "{name}"'))
    await engine.dispose()


@pytest.fixture
async def db_url(db_engine_name: str, production_sqlite: str, postgres_url: str | None) -> AsyncIterator[str]:
    if db_engine_name == "sqlite":
        await _empty_sqlite(production_sqlite)
        yield production_sqlite
        return
    if postgres_url is None:
        pytest.skip("PostgreSQL is not available")
    await databases.empty_postgres(postgres_url)
    yield postgres_url


@pytest.fixture
def app(settings: Settings, clock: FixedClock, db_engine_name: str) -> Litestar:
    cached = _APPS.get(db_engine_name)
    if cached is None or cached.state.settings.database_url != settings.database_url:
        cached = _APPS[db_engine_name] = create_app(settings, clock=clock)
    cached.state.clock = clock
    return cached


@pytest.fixture
def pf(factory: Factory, clock: FixedClock) -> ProductionFactory:
    return ProductionFactory(factory, clock)


@dataclass
class Floor:
    """A site with a manually counted line making PUMP from 1 HOUSING and 2 SEAL, a defect code
    SCRATCH, supplier lots of both components, and a planner, an operator and a manager."""

    client: AsyncTestClient[Any]
    pf: ProductionFactory
    site: Site
    line: Asset
    housing: Product
    seal: Product
    pump: Product
    housing_lot: Lot
    seal_lot: Lot
    planner: dict[str, str]
    operator: dict[str, str]
    manager: dict[str, str]

    async def order(self, quantity: int = 10, *, release: bool = True) -> ProductionOrder:
        return await self.pf.order(self.site, self.pump, self.line, quantity=quantity, release=release)

    async def running(self, quantity: int = 10) -> tuple[ProductionOrder, str]:
        """A released order whose first operation the operator has started."""
        order = await self.order(quantity)
        op_id = await self.pf.first_operation_id(order)
        r = await self.client.post(f"/api/production/operations/{op_id}/start", headers=self.operator)
        assert r.status_code == 200, r.text
        return order, op_id

    async def post(self, path: str, body: Any = None, *, as_: str = "operator") -> Any:
        return await self.client.post(path, json=body, headers=getattr(self, as_))

    async def get(self, path: str, *, as_: str = "operator") -> Any:
        return await self.client.get(path, headers=getattr(self, as_))


@pytest.fixture
async def floor(client: AsyncTestClient[Any], factory: Factory, pf: ProductionFactory) -> Floor:
    site = await factory.site()
    housing = await pf.product(site, sku="HOUSING", purchased=True)
    seal = await pf.product(site, sku="SEAL", purchased=True)
    pump = await pf.product(site, sku="PUMP")
    await pf.bom(site, pump, (housing, 1.0), (seal, 2.0))
    line = await pf.line(site)
    await pf.routing(site, pump, (10, "Assemble", None, 20.0))
    await pf.defect_code(site, "SCRATCH")
    return Floor(
        client=client,
        pf=pf,
        site=site,
        line=line,
        housing=housing,
        seal=seal,
        pump=pump,
        housing_lot=await pf.supplier_lot(site, housing, number="H-1", quantity=50, supplier_lot="ACME-1"),
        seal_lot=await pf.supplier_lot(site, seal, number="S-1", quantity=100, supplier_lot="SEALCO-1"),
        planner=await factory.headers(await factory.user(site, role="planner")),
        operator=await factory.headers(await factory.user(site, role="operator")),
        manager=await factory.headers(await factory.user(site, role="manager")),
    )
