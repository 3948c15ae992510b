"""The `gemba` command and the demo plant."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cli import main
from backend.db.engine import make_engine
from backend.demo.seed import seed_demo
from backend.domain.assets.models import Asset
from backend.domain.people.models import Site, User


@pytest.fixture
def cli_env(tmp_path: Path, env_clean: None) -> dict[str, str]:
    return {"GEMBA_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}


def test_db_upgrade_then_demo_seed_is_idempotent(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=cli_env).exit_code == 0
    first = runner.invoke(main, ["demo", "seed"], env=cli_env)
    second = runner.invoke(main, ["demo", "seed"], env=cli_env)
    assert first.output.strip() == "demo plant seeded"
    assert second.output.strip() == "demo plant already present"


def test_users_create_grants_the_named_sites(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"], env=cli_env)
    runner.invoke(main, ["demo", "seed"], env=cli_env)
    result = runner.invoke(
        main,
        ["users", "create", "--username", "ines", "--name", "Ines", "--role", "planner", "--site", "SOUTH"],
        input="a long password\na long password\n",
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    assert "user ines created" in result.output


def test_users_create_refuses_an_unknown_site(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"], env=cli_env)
    result = runner.invoke(
        main,
        ["users", "create", "--username", "ines", "--name", "Ines", "--role", "planner", "--site", "MOON"],
        input="a long password\na long password\n",
        env=cli_env,
    )
    assert result.exit_code != 0
    assert "unknown site code(s): MOON" in result.output


def test_a_bad_setting_stops_the_cli_with_the_variable_named(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={**cli_env, "GEMBA_PORT": "x"})
    assert result.exit_code != 0
    assert "GEMBA_PORT" in result.output


def test_db_downgrade_to_base_then_upgrade_again(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=cli_env).exit_code == 0
    assert runner.invoke(main, ["db", "downgrade", "base"], env=cli_env).exit_code == 0
    assert runner.invoke(main, ["db", "upgrade"], env=cli_env).exit_code == 0


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wal.db'}")
    async with engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await engine.dispose()


async def test_the_demo_plant_has_two_sites_with_lines_machines_and_every_role(session: AsyncSession) -> None:
    assert await seed_demo(session) is True
    await session.commit()
    assert await session.scalar(select(func.count()).select_from(Site)) == 2
    for site in (await session.execute(select(Site))).scalars():
        machines = await session.scalar(
            select(func.count()).where(Asset.site_id == site.id, Asset.level == "machine")
        )
        lines = await session.scalar(
            select(func.count()).where(Asset.site_id == site.id, Asset.level == "line")
        )
        components = await session.scalar(
            select(func.count()).where(Asset.site_id == site.id, Asset.level == "component")
        )
        assert 8 <= (machines or 0) <= 12
        assert (lines or 0) >= 2
        assert (components or 0) > 0
    roles = set((await session.execute(select(User.role))).scalars())
    assert roles == {"technician", "operator", "planner", "manager", "admin"}


async def test_the_demo_technician_of_one_site_cannot_see_the_other(
    client: AsyncTestClient, session: AsyncSession
) -> None:
    await seed_demo(session)
    await session.commit()
    login = await client.post("/api/auth/login", json={"username": "tech.north", "password": "gemba-demo"})
    h = {"Authorization": f"Bearer {login.json()['token']}"}
    codes = {a["code"] for a in (await client.get("/api/assets/?limit=1000", headers=h)).json()}
    assert "N-CNC-01" in codes
    assert not any(c.startswith("S-") for c in codes)
    south = await session.scalar(select(Asset).where(Asset.code == "S-IMM-01"))
    assert south is not None
    assert (await client.get(f"/api/assets/{south.id}", headers=h)).status_code == 404
