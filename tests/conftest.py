"""Shared fixtures: each database test runs on SQLite and on PostgreSQL (when present)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.app import create_app
from backend.db.engine import make_engine, make_sessionmaker
from backend.lib.clock import FixedClock
from backend.settings import Settings, load_settings
from tests import databases
from tests.factories import Factory

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.create_sqlite_template(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> str | None:
    admin = databases.postgres_admin_url()
    if admin is None:
        if databases.postgres_required():
            pytest.fail("PostgreSQL is required (GEMBA_REQUIRE_POSTGRES) but does not answer")
        return None
    return databases.create_postgres_database(admin, f"gemba_test_{worker_id}_{os.getpid()}")


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(params=ENGINES)
def db_engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def db_url(
    db_engine_name: str, sqlite_template: Path, postgres_url: str | None, tmp_path: Path
) -> AsyncIterator[str]:
    if db_engine_name == "sqlite":
        yield databases.fresh_sqlite(sqlite_template, tmp_path / "test.db")
        return
    if postgres_url is None:
        pytest.skip("PostgreSQL is not available")
    await databases.empty_postgres(postgres_url)
    yield postgres_url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {},
        database_url=db_url,
        attachments_dir=str(tmp_path / "attachments"),
        pwa_dir=str(tmp_path / "pwa"),
        background_jobs=False,
        public_base_url="http://gemba.test",
        log_level="warning",
    )


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """The tests' own engine: on SQLite each read sees the latest commit of the app under test."""
    eng = make_engine(db_url, explicit_begin=False)
    yield eng
    await eng.dispose()


@pytest.fixture
def session_maker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return make_sessionmaker(engine)


@pytest.fixture
async def session(session_maker: async_sessionmaker[Any]) -> AsyncIterator[AsyncSession]:
    """An unscoped session for arranging and checking rows (like the CLI's)."""
    async with session_maker() as s:
        yield s


@pytest.fixture
def factory(session: AsyncSession) -> Factory:
    return Factory(session)


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Litestar:
    return create_app(settings, clock=clock)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as c:
        yield c


@pytest.fixture
def env_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("GEMBA_"):
            monkeypatch.delenv(key)
