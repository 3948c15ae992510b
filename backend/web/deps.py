"""Dependencies every controller may ask for: the actor, a site-scoped session, the clock, settings."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.scope import bind_scope
from backend.domain.audit.recorder import ACTOR_KEY
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock
from backend.settings import Settings


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    actor = request.user
    assert isinstance(actor, Actor)
    return actor


async def provide_session(db_session: AsyncSession, actor: Actor) -> AsyncGenerator[AsyncSession, None]:
    """The request's session, scoped to the actor's sites and stamped with the actor for audit."""
    bind_scope(db_session, actor.site_ids)
    db_session.info[ACTOR_KEY] = actor.user_id
    yield db_session


def provide_clock(state: State) -> Clock:
    clock: Clock = state.clock
    return clock


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


dependencies = {
    "actor": Provide(provide_actor),
    "session": Provide(provide_session),
    "clock": Provide(provide_clock, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
}
