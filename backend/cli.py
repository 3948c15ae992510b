"""The `gemba` command: run the platform, migrate the database, seed the demo, manage users."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import select

from backend.db import migrate
from backend.db.engine import make_engine, make_sessionmaker
from backend.db.registry import import_all_models
from backend.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(f"bad setting: {exc}") from None


def _run(coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(coro_fn())


async def _with_session(settings: Settings, fn: Callable[[Any], Coroutine[Any, Any, T]]) -> T:
    import_all_models()
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await fn(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


@click.group()
def main() -> None:
    """Gemba: CMMS and MES in one platform."""


@main.group()
def db() -> None:
    """Database schema (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Upgrade the schema (default: to the newest revision)."""
    migrate.upgrade(_settings().database_url, revision)
    click.echo(f"database upgraded to {revision}")


@db.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the schema (default: one step; `base` removes everything)."""
    migrate.downgrade(_settings().database_url, revision)
    click.echo(f"database downgraded to {revision}")


@db.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="Do not autogenerate from the models.")
def db_revision(message: str, empty: bool) -> None:
    """Create a migration from the difference between models and database."""
    migrate.revision(_settings().database_url, message, autogenerate=not empty)


@main.group()
def demo() -> None:
    """The demo plant."""


async def _seed(settings: Settings) -> bool:
    from backend.demo.seed import seed_demo

    return await _with_session(settings, seed_demo)


@demo.command("seed")
def demo_seed() -> None:
    """Seed the demo plant (does nothing when it exists)."""
    settings = _settings()
    if settings.mode == "production":
        raise click.ClickException("production mode refuses demo data")
    seeded = _run(lambda: _seed(settings))
    click.echo("demo plant seeded" if seeded else "demo plant already present")


@demo.command("collectors")
@click.option(
    "--store",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file keeping the tokens (created readable by the owner only).",
)
def demo_collectors(store: Path) -> None:
    """Make sure every demo site has a collector; prints site code → token as JSON."""
    import json

    from backend.demo.collectors import ensure_demo_collectors

    settings = _settings()
    if settings.mode == "production":
        raise click.ClickException("production mode refuses demo data")
    tokens = _run(lambda: _with_session(settings, lambda session: ensure_demo_collectors(session, store)))
    click.echo(json.dumps(tokens, sort_keys=True))


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True)
@click.option(
    "--role", type=click.Choice(["technician", "operator", "planner", "manager", "admin"]), required=True
)
@click.option("--site", "site_codes", multiple=True, required=True, help="Site code; repeat for several.")
@click.password_option()
def users_create(
    username: str, display_name: str, role: str, site_codes: tuple[str, ...], password: str
) -> None:
    """Create a user with access to the given sites."""
    import msgspec

    from backend.domain.people import services
    from backend.domain.people.models import Site
    from backend.domain.people.roles import Role
    from backend.domain.people.schemas import UserCreate
    from backend.lib.errors import DomainError

    async def create(session: Any) -> str:
        rows = (await session.execute(select(Site).where(Site.code.in_(site_codes)))).scalars().all()
        missing = set(site_codes) - {s.code for s in rows}
        if missing:
            raise click.ClickException(f"unknown site code(s): {', '.join(sorted(missing))}")
        data = msgspec.convert(
            {
                "username": username,
                "display_name": display_name,
                "password": password,
                "role": Role(role),
                "site_ids": [s.id for s in rows],
            },
            UserCreate,
        )
        user = await services.create_user(session, None, data)
        return str(user.id)

    try:
        user_id = _run(lambda: _with_session(_settings(), create))
    except (msgspec.ValidationError, DomainError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"user {username} created ({user_id})")


async def _has_demo_users(settings: Settings) -> bool:
    from backend.domain.people.models import User

    async def check(session: Any) -> bool:
        return (
            await session.execute(select(User.id).where(User.is_demo.is_(True)).limit(1))
        ).first() is not None

    return await _with_session(settings, check)


@main.command("run")
@click.option("--host", default=None, help="Bind address (default GEMBA_HOST).")
@click.option("--port", default=None, type=int, help="Port (default GEMBA_PORT).")
@click.option("--no-migrate", is_flag=True, help="Skip `db upgrade` before serving.")
@click.option(
    "--with-plant/--no-plant", default=None, help="Also start the simulated PLCs and the collector."
)
def run(host: str | None, port: int | None, no_migrate: bool, with_plant: bool | None) -> None:
    """Serve the platform (upgrading the database and seeding the demo first in demo mode)."""
    import uvicorn

    from backend.app import create_app
    from backend.demo.seed import demo_logins

    settings = _settings()
    if not no_migrate:
        migrate.upgrade(settings.database_url)
    if settings.mode == "production" and _run(lambda: _has_demo_users(settings)):
        raise click.ClickException("production mode refuses to start while demo users exist")
    if settings.demo:
        seeded = _run(lambda: _seed(settings))
        click.echo("Seeded the demo plant." if seeded else "Demo plant present.")
    bind_host = host or settings.host
    bind_port = port or settings.port
    click.echo(f"\nGemba is serving on http://{bind_host}:{bind_port}  (API docs: /schema)")
    if settings.demo:
        click.echo("Demo logins (password for all: shown beside each):")
        for user, password, role, sites in demo_logins():
            click.echo(f"  {user:<16} {password:<12} {role:<11} {sites}")
    click.echo("Press Ctrl-C to stop.\n")
    plant = (
        _start_plant(settings, bind_host, bind_port)
        if (with_plant if with_plant is not None else settings.demo)
        else None
    )
    try:
        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="warning")
    finally:
        if plant is not None:
            plant()


def _start_plant(settings: Settings, host: str, port: int) -> Callable[[], None] | None:
    """Start the simulated PLCs and the collector as child processes; returns their stopper."""
    import importlib

    try:
        demo_plant = importlib.import_module("backend.collector.demo_plant")
    except ImportError:
        return None
    stopper: Callable[[], None] = demo_plant.start(settings, host, port)
    return stopper


def _attach_optional_commands() -> None:
    import importlib

    try:
        commands = importlib.import_module("backend.collector.cli")
    except ImportError:
        return
    main.add_command(commands.collector)
    main.add_command(commands.simulate)


_attach_optional_commands()

if __name__ == "__main__":
    sys.exit(main())
