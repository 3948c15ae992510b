"""The fault-injection simulation's server side on a real database: the real engine, the real
`SqlStore` (client rows, results, change capture, commit-ordered log, snapshots) hosting the
reference domain of `sync.refdomain` in one generic table, behind `sync.http` (the same request
handling as the endpoints). Restarts build a new store and engine; transactions of the old one
die at commit (`ServerCrashed`): nothing of them is stored, and their requests get no answer.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.lib.clock import utcnow
from backend.replication.changelog import CHANGES, CLOCK, Change, insert_changes
from backend.replication.models import CLOCK_ROW, SyncClient, SyncMutationResult
from backend.replication.retention import prune_upto
from backend.replication.rows import Catalog
from backend.replication.store import SqlSnapshot, SqlStore, SqlTx
from sync.engine import Engine
from sync.http import serve_pull, serve_push
from sync.memory import JournalEntry, ServerCrashed
from sync.messages import MutationResult
from sync.refdomain import RefAuth, Seed, register_reference_domain, scope_for_sites, seed, set_user_sites
from sync.registry import MutatorRegistry
from sync.simulation import FaultHooks, ServerView
from sync.store import ScopeKeys
from sync.versions import VersionPolicy
from tests.integration.replication._simrows import (
    FIELD_VERSIONS,
    JOURNAL,
    SimBase,
    SimJournal,
    SimRow,
    SimSource,
    SimTx,
    install_capture,
)

SCHEMA_VERSION = 1


class SimStore(SqlStore):
    hooks: FaultHooks | None = None

    async def save_result(self, tx: SqlTx, client_id: str, result: MutationResult) -> None:
        await super().save_result(tx, client_id, result)
        tx.session.add(
            SimJournal(kind="mutation", client_id=client_id, mutation_id=result.id, detail=result.status)
        )


async def user_scope(snap: SqlSnapshot, user: str) -> ScopeKeys:
    stmt = select(SimRow.data).where(SimRow.entity == "user", SimRow.id == user)
    data = (await snap.conn.execute(stmt)).scalar()
    return scope_for_sites([] if data is None else data.get("sites", []))


EngineFactory = Callable[..., Engine[Any, Any, Any]]


@dataclass
class SqlTarget:
    """A `sync.simulation.SimTarget` on SQLite or PostgreSQL."""

    db: AsyncEngine
    hooks: FaultHooks
    engine_type: EngineFactory = Engine
    store_type: type[SimStore] = SimStore
    store_options: dict[str, Any] = field(default_factory=dict)
    devices: dict[str, tuple[uuid.UUID, str]] = field(default_factory=dict)
    generation: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        install_capture()
        self.registry = register_reference_domain(MutatorRegistry[SimTx, RefAuth]())
        self.versions = VersionPolicy(schema_version=SCHEMA_VERSION, schema_min=SCHEMA_VERSION)
        self._start()

    def _start(self) -> None:
        generation = self.generation

        async def on_commit(tx: SqlTx) -> None:
            if generation != self.generation:
                raise ServerCrashed("the server restarted during this transaction")
            if self.hooks.crash_on_commit():
                self.restart()
                raise ServerCrashed("the server died while committing")

        self.store = self.store_type(
            self.db, Catalog([SimSource()]), on_commit=on_commit, tx_type=SimTx, **self.store_options
        )
        self.store.hooks = self.hooks
        self.engine = self.engine_type(self.store, self.registry, self.versions)

    async def setup(self, spec: Seed) -> None:
        await seed(self.store, spec)  # type: ignore[arg-type]

    def register_device(self, token: str, client_id: uuid.UUID, user: str) -> None:
        self.devices[token] = (client_id, user)

    async def push(self, body: bytes, token: str) -> tuple[int, bytes]:
        client_id, user = self.devices[token]
        answer = await serve_push(self.engine, body, device_id=client_id, auth=RefAuth(user))
        return answer.status, answer.body

    async def pull(self, body: bytes, token: str) -> tuple[int, bytes]:
        client_id, user = self.devices[token]

        async def scope(snap: SqlSnapshot) -> ScopeKeys:
            return await user_scope(snap, user)

        answer = await serve_pull(self.engine, body, device_id=client_id, resolve_scope=scope)
        return answer.status, answer.body

    async def set_user_sites(self, user: str, sites: Iterable[str]) -> None:
        await set_user_sites(self.store, user, sites)  # type: ignore[arg-type]

    def restart(self) -> None:
        self.generation += 1
        self._start()

    def compact(self, keep: int) -> None:
        task = asyncio.get_running_loop().create_task(self._compact(keep))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _compact(self, keep: int) -> None:
        """Prune the log below `watermark - keep` (the journal is the checker's, kept whole)."""
        async with self.store.snapshot() as snap:
            upto = await self.store.watermark(snap) - keep
        if upto <= 0:
            return
        async with self.db.begin() as conn:
            await conn.execute(
                delete(CHANGES).where(CHANGES.c.change_id <= upto, CHANGES.c.scope_key != JOURNAL)
            )
            await conn.execute(
                update(CLOCK).where(CLOCK.c.id == CLOCK_ROW, CLOCK.c.horizon < upto).values(horizon=upto)
            )

    async def inspect(self) -> ServerView:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))
        async with self.db.connect() as conn:
            rows = {
                (r.entity, r.id): (int(r.version), dict(r.data), frozenset(r.scopes))
                for r in (await conn.execute(select(SimRow.__table__))).all()
            }
            results = {
                (str(r.client_id), int(r.mutation_id)): MutationResult(
                    id=int(r.mutation_id), status=r.status, code=r.code, reason=r.reason
                )
                for r in (await conn.execute(select(SyncMutationResult.__table__))).all()
            }
            order = (
                select(SimJournal.__table__)
                .join(CHANGES, CHANGES.c.row_id == SimJournal.seq.cast(String))
                .where(CHANGES.c.scope_key == JOURNAL, CHANGES.c.entity == JOURNAL)
                .order_by(CHANGES.c.change_id)
            )
            journal = [
                JournalEntry(r.kind, r.client_id, int(r.mutation_id), _detail(r.kind, r.detail))
                for r in (await conn.execute(order)).all()
            ]
            lasts = {
                str(r.client_id): int(r.last_mutation_id)
                for r in (await conn.execute(select(SyncClient.__table__))).all()
            }
        return ServerView(rows, results, journal, lasts)


def _detail(kind: str, detail: Any) -> Any:
    if kind == "grant" and isinstance(detail, list):
        return (detail[0], tuple(detail[1]))
    return detail


async def create_sim_tables(db: AsyncEngine) -> None:
    """A fresh start: the reference domain's tables, and the sync server's tables emptied."""
    async with db.begin() as conn:
        await conn.run_sync(SimBase.metadata.drop_all)
        await conn.run_sync(SimBase.metadata.create_all)
        for table in (CHANGES, CLOCK, SyncClient.__table__, SyncMutationResult.__table__, FIELD_VERSIONS):
            await conn.execute(delete(table))


async def drop_sim_tables(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await conn.run_sync(SimBase.metadata.drop_all)


__all__ = ["SimBase", "SqlTarget", "create_sim_tables", "drop_sim_tables", "prune_upto"]


class WriteTimeIds:
    """Deliberately broken: change ids drawn while the transaction runs (like a sequence or a
    timestamp), not at commit — a transaction that drew a lower id can commit after a pull
    already moved past it."""

    immediate = True

    def __init__(self, start: int = 1) -> None:
        self._next = itertools.count(start)

    def file(self, conn: Any, changes: Sequence[Change]) -> None:
        now = utcnow()
        for change in changes:
            insert_changes(conn, next(self._next), [change], now)


class WriteTimeIdStore(SimStore):
    """Reads the highest change id it can see as the watermark (there is no commit clock)."""

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqlSnapshot]:
        async with super().snapshot() as snap:
            await snap.load()
            snap.watermark = int(
                (await snap.conn.execute(select(func.max(CHANGES.c.change_id)))).scalar() or 0
            )
            yield snap
