"""The Litestar application factory: wiring only (database, auth, problem details, routes, jobs)."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin

import backend.db.scope
import backend.domain.audit.recorder  # noqa: F401  (registers the audit flush hook)
from backend.db.engine import make_engine, make_sessionmaker
from backend.db.registry import import_all_models
from backend.jobs import discover_jobs
from backend.lib.clock import Clock, SystemClock
from backend.lib.heap import freeze_startup_heap
from backend.routes import ROUTE_HANDLERS
from backend.settings import Settings, load_settings
from backend.web.auth import auth_middleware
from backend.web.deps import dependencies
from backend.web.problems import exception_handlers
from backend.web.static import make_pwa_handler

# Background jobs contributed by bounded contexts (`backend/domain/<ctx>/jobs.py`, `JOBS`).
Lifespan = Callable[[Litestar], Any]
BACKGROUND: list[Lifespan] = discover_jobs()


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    settings = settings or load_settings()
    import_all_models()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    engine = make_engine(settings.database_url)
    session_maker = make_sessionmaker(engine)
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit",
        create_all=False,
        set_default_exception_handler=False,
        enable_touch_updated_timestamp_listener=False,
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        freeze_startup_heap()
        contexts = []
        if settings.background_jobs:
            for hook in BACKGROUND:
                ctx = hook(app)
                await ctx.__aenter__()
                contexts.append(ctx)
        try:
            yield
        finally:
            for ctx in reversed(contexts):
                await ctx.__aexit__(None, None, None)
            await engine.dispose()

    handlers: Sequence[Any] = [*ROUTE_HANDLERS, make_pwa_handler(settings.pwa_dir)]
    app = Litestar(
        route_handlers=handlers,
        plugins=[SQLAlchemyPlugin(config=db_config)],
        middleware=[auth_middleware()],
        dependencies=dependencies,
        exception_handlers=exception_handlers,
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="Gemba API",
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(path="/")],
        ),
        cors_config=CORSConfig(allow_origins=[settings.public_base_url]),
        debug=False,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.session_maker = session_maker
    app.state.engine = engine
    return app
