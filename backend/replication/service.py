"""The sync server of one app: the engine over the SQL store, the registry and the stream hub."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.domain.people.roles import Actor
from backend.lib.clock import Clock
from backend.replication.entities import catalog
from backend.replication.fanout import Hub
from backend.replication.registry import build_registry
from backend.replication.store import SqlSnapshot, SqlStore, SqlTx
from sync.engine import Engine
from sync.versions import VersionPolicy

SCHEMA_VERSION: Final = 1
"""The entities and wire shapes this server replicates (see `sync/PROTOCOL.md`, §16)."""
SCHEMA_MIN: Final = 1
STATE_KEY: Final = "sync_service"


class SyncService:
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.store = SqlStore(engine, catalog(), clock=clock)
        self.versions = VersionPolicy(schema_version=SCHEMA_VERSION, schema_min=SCHEMA_MIN)
        self.engine: Engine[SqlTx, SqlSnapshot, Actor] = Engine(self.store, build_registry(), self.versions)
        self.hub = Hub(engine.url)


def service_for(app: Any) -> SyncService:
    """The app's sync service, made on first use (it needs the app's engine and clock)."""
    service: SyncService | None = getattr(app.state, STATE_KEY, None)
    if service is None:
        service = SyncService(app.state.engine, app.state.clock)
        setattr(app.state, STATE_KEY, service)
    return service
