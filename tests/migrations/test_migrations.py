"""Migrations are the only way the schema changes: they build exactly the models, and unwind."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from backend.db import migrate
from backend.db.base import metadata
from backend.db.engine import make_engine
from backend.db.registry import import_all_models
from tests import databases


def _diff(url: str) -> list[Any]:
    import_all_models()

    def compare(conn: Connection) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, metadata))

    async def run() -> list[Any]:
        engine = make_engine(url, null_pool=True)
        async with engine.connect() as conn:
            result = await conn.run_sync(compare)
        await engine.dispose()
        return result

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = make_engine(url, null_pool=True)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(run())


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    admin = databases.postgres_admin_url()
    if admin is None:
        if databases.postgres_required():
            pytest.fail("PostgreSQL is required but does not answer")
        pytest.skip("PostgreSQL is not available")
    name = f"gemba_migrations_{os.getpid()}"
    asyncio.run(databases._recreate_pg_database(admin, name))
    return databases._with_database(admin, name)


def test_upgrade_from_empty_matches_the_models(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    assert _diff(empty_db) == []


def test_downgrade_to_base_removes_every_table(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    migrate.downgrade(empty_db, "base")
    assert _tables(empty_db) <= {"alembic_version"}


def test_the_revision_history_is_one_line() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite+aiosqlite://"))
    assert len(script.get_heads()) == 1, "merge or rebase migrations so there is a single head"


def test_signal_values_survive_the_change_of_their_key_both_ways(empty_db: str) -> None:
    """The row-number key of raw signal values came in a migration that copies the values."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    from tests.factories import Factory

    migrate.upgrade(empty_db)
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    async def arrange() -> None:
        import_all_models()
        from backend.db.engine import make_sessionmaker
        from backend.domain.machines.models import SignalValue

        engine = make_engine(empty_db, null_pool=True)
        async with make_sessionmaker(engine)() as session:
            f = Factory(session)
            site = await f.site()
            asset = await f.asset(site, code="PRESS-1")
            session.add_all(
                SignalValue(
                    site_id=site.id, asset_id=asset.id, signal="temp", at=t0 + timedelta(seconds=i), value=i
                )
                for i in range(5)
            )
            await session.commit()
        await engine.dispose()

    async def values() -> list[tuple[str, float]]:
        engine = make_engine(empty_db, null_pool=True)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT signal, value FROM signal_values ORDER BY value"))).all()
        await engine.dispose()
        return [(r[0], float(r[1])) for r in rows]

    asyncio.run(arrange())
    expected = [("temp", float(i)) for i in range(5)]
    migrate.downgrade(empty_db, "3a9ea8a457d7")
    assert asyncio.run(values()) == expected
    migrate.upgrade(empty_db)
    assert asyncio.run(values()) == expected
    assert _diff(empty_db) == []
