"""Test databases: a migrated SQLite template copied per test, and one PostgreSQL database per
test session (per xdist worker) emptied before each test."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from pathlib import Path

from sqlalchemy import text

from backend.db import migrate
from backend.db.base import metadata
from backend.db.engine import make_engine
from backend.db.registry import import_all_models

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server to test against, or None when there is none."""
    url = os.environ.get("GEMBA_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return DEFAULT_PG
    except OSError:
        return None


def postgres_required() -> bool:
    return os.environ.get("GEMBA_REQUIRE_POSTGRES", "").lower() in {"1", "true", "yes"}


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


async def _recreate_pg_database(admin_url: str, name: str) -> None:
    engine = make_engine(admin_url, null_pool=True)
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


def create_postgres_database(admin_url: str, name: str) -> str:
    asyncio.run(_recreate_pg_database(admin_url, name))
    url = _with_database(admin_url, name)
    migrate.upgrade(url)
    return url


def create_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def fresh_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


def _table_names() -> list[str]:
    import_all_models()
    return [t.name for t in reversed(metadata.sorted_tables)]


async def empty_postgres(url: str) -> None:
    """Empty every table before a test."""
    engine = make_engine(url, null_pool=True)
    async with engine.begin() as conn:
        present = set(
            (
                await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            ).scalars()
        )
        # Children first; DELETE beats TRUNCATE by far on many nearly empty tables.
        for name in _table_names():
            if name in present:
                await conn.execute(text(f'DELETE FROM "{name}"'))
    await engine.dispose()
