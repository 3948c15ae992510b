"""`SqlStore`: the sync engine's `Store` on SQLAlchemy, for SQLite and PostgreSQL.

Write side, one transaction per mutation (`SqlTx`, an ORM session): the device's `sync_clients`
row is created if new and locked (`INSERT … ON CONFLICT DO NOTHING`, then `SELECT … FOR UPDATE`;
SQLite transactions begin `IMMEDIATE`, and writers of one process queue on an asyncio lock
instead of spinning on the busy timeout); `last_mutation_id` is advanced and the result stored in
that same transaction as the mutation's effects. Committing files the captured changes in the
change log (see `capture`): that step runs explicitly just before COMMIT.

Read side, one snapshot per pull (`SqlSnapshot`, a connection): PostgreSQL `REPEATABLE READ READ
ONLY`; SQLite one deferred read transaction (one WAL snapshot, no write lock). The clock row
(watermark, horizon, epoch) and the device's `last_mutation_id` are read in it, with the
device's scope when the caller preloads them together.

Database errors that a retry can cure (lock and serialization failures, deadlocks, a lost
connection, SQLite's busy database) become `TransientError` (503, nothing applied).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Final, cast

from sqlalchemy import Select, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from backend.db.engine import SQLITE_BEGIN
from backend.lib.clock import Clock, SystemClock
from backend.replication.capture import FILER, Filer, file_pending
from backend.replication.changelog import CHANGES, CLOCK, CLOCK_COLUMNS, CLOCK_QUERY
from backend.replication.models import CLOCK_ROW, SyncClient, SyncFieldVersion, SyncMutationResult
from backend.replication.rows import Catalog
from sync.errors import TransientError
from sync.merge import FieldState, Writer
from sync.messages import MutationResult
from sync.store import ChangeRef, Row, RowKey, ScopeKeys

TRANSIENT_SQLSTATES: Final = frozenset({"40001", "40P01", "55P03", "57014", "53300", "57P01"})
SQLITE_BUSY: Final = ("locked", "busy")
CLIENTS = cast(Table, SyncClient.__table__)
RESULTS = cast(Table, SyncMutationResult.__table__)
FIELDS = cast(Table, SyncFieldVersion.__table__)

current_user: ContextVar[str | None] = ContextVar("sync_current_user", default=None)
"""The user pushing (set by the endpoint), recorded on a device's first mutation."""
_epoch: ContextVar[str] = ContextVar("sync_epoch", default="")
_write_locks: dict[str, asyncio.Lock] = {}


def is_transient(exc: BaseException) -> bool:
    """A failure a retry can cure; anything else is a bug (500) and must not be hidden as a 503."""
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code is not None:
            return str(code) in TRANSIENT_SQLSTATES or str(code).startswith("08")
        message = str(exc.orig).lower()
        return isinstance(exc, OperationalError) and any(word in message for word in SQLITE_BUSY)
    return isinstance(exc, ConnectionError | TimeoutError)


class SqlTx:
    """One mutation's transaction: an ORM session the mutators write through."""

    def __init__(self, store: SqlStore, session: AsyncSession) -> None:
        self.store = store
        self._session = session
        self.auth: Any = None

    @property
    def session(self) -> AsyncSession:
        return self._session

    @property
    def clock(self) -> Clock:
        return self.store.clock

    async def field_state(self, entity: str, row_id: str, field: str, value: Any) -> FieldState:
        stmt = select(FIELDS.c.version, FIELDS.c.client_id, FIELDS.c.mutation_id).where(
            FIELDS.c.entity == entity, FIELDS.c.row_id == row_id, FIELDS.c.field == field
        )
        found = (await self._session.execute(stmt)).first()
        if found is None:
            return FieldState(value)
        writer = None if found.client_id is None else Writer(str(found.client_id), int(found.mutation_id))
        return FieldState(value, int(found.version), writer)

    async def add_conflict(self, decision: Any, *, site_id: uuid.UUID, people: Any) -> None:
        from backend.replication.conflicts import add_conflict

        await add_conflict(self, decision, site_id=site_id, people=people)


class SqlSnapshot:
    """One pull's read transaction. The clock row (watermark, horizon, epoch) and the device's
    `last_mutation_id` are read once, possibly together with the device's scope (`preload`)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.watermark = 0
        self.horizon = 0
        self.epoch = ""
        self.loaded = False
        self.last_mutation_ids: dict[str, int] = {}

    def set_clock(self, watermark: int | None, horizon: int | None, epoch: str | None) -> None:
        self.watermark, self.horizon, self.epoch = int(watermark or 0), int(horizon or 0), str(epoch or "")
        self.loaded = True
        _epoch.set(self.epoch)

    async def load(self) -> None:
        if not self.loaded:
            found = (await self.conn.execute(CLOCK_QUERY)).first()
            self.set_clock(*(found or (0, 0, "")))


class SqlStore:
    """`sync.store.Store[SqlTx, SqlSnapshot]` over one database."""

    def __init__(
        self,
        engine: AsyncEngine,
        catalog: Catalog,
        *,
        clock: Clock | None = None,
        on_commit: Callable[[SqlTx], Awaitable[None]] | None = None,
        filer: Filer | None = None,
        tx_type: type[SqlTx] = SqlTx,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.clock = clock or SystemClock()
        self.on_commit = on_commit
        self.filer = filer
        self.tx_type = tx_type
        self.sqlite = engine.dialect.name == "sqlite"
        self._maker = async_sessionmaker(engine, expire_on_commit=False)
        self._lock = _write_locks.setdefault(str(engine.url), asyncio.Lock()) if self.sqlite else None

    @property
    def epoch(self) -> str:
        return _epoch.get()

    def _upsert(self) -> Any:
        return sqlite_insert if self.sqlite else pg_insert

    # --- write side ----------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlTx]:
        if self._lock is not None:
            await self._lock.acquire()
        session = self._maker()
        if self.filer is not None:
            session.info[FILER] = self.filer
        tx = self.tx_type(self, session)
        try:
            try:
                yield tx
                await self._commit(tx)
            except BaseException as exc:
                await _rollback(session)
                if is_transient(exc):
                    raise TransientError(f"the database is busy: {type(exc).__name__}") from exc
                raise
        finally:
            await session.close()
            if self._lock is not None:
                self._lock.release()

    async def _commit(self, tx: SqlTx) -> None:
        session = tx.session
        await session.flush()
        await session.run_sync(file_pending)
        if self.on_commit is not None:
            await self.on_commit(tx)
        await session.commit()

    async def lock_client(self, tx: SqlTx, client_id: str) -> int:
        now = self.clock.now()
        key = uuid.UUID(client_id)
        insert = self._upsert()(CLIENTS).values(
            client_id=key, user_id=current_user.get(), last_mutation_id=0, created_at=now, updated_at=now
        )
        await tx.session.execute(insert.on_conflict_do_nothing(index_elements=[CLIENTS.c.client_id]))
        stmt = select(CLIENTS.c.last_mutation_id).where(CLIENTS.c.client_id == key).with_for_update()
        return int((await tx.session.execute(stmt)).scalar_one())

    async def advance_client(self, tx: SqlTx, client_id: str, mutation_id: int) -> None:
        stmt = (
            update(CLIENTS)
            .where(CLIENTS.c.client_id == uuid.UUID(client_id))
            .values(last_mutation_id=mutation_id, updated_at=self.clock.now())
        )
        await tx.session.execute(stmt)

    async def load_result(self, tx: SqlTx, client_id: str, mutation_id: int) -> MutationResult | None:
        stmt = select(RESULTS.c.status, RESULTS.c.code, RESULTS.c.reason).where(
            RESULTS.c.client_id == uuid.UUID(client_id), RESULTS.c.mutation_id == mutation_id
        )
        found = (await tx.session.execute(stmt)).first()
        if found is None:
            return None
        status: Any = found.status
        return MutationResult(id=mutation_id, status=status, code=found.code, reason=found.reason)

    async def save_result(self, tx: SqlTx, client_id: str, result: MutationResult) -> None:
        await tx.session.execute(
            RESULTS.insert().values(
                client_id=uuid.UUID(client_id),
                mutation_id=result.id,
                status=result.status,
                code=result.code,
                reason=result.reason,
                created_at=self.clock.now(),
            )
        )

    # --- read side -------------------------------------------------------------------------------

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqlSnapshot]:
        try:
            async with self.engine.connect() as conn:
                if self.sqlite:
                    conn = await conn.execution_options(**{SQLITE_BEGIN: "DEFERRED"})
                else:
                    conn = await conn.execution_options(
                        isolation_level="REPEATABLE READ", postgresql_readonly=True
                    )
                try:
                    yield SqlSnapshot(conn)
                finally:
                    await conn.rollback()
        except DBAPIError as exc:
            if is_transient(exc):
                raise TransientError(f"the database is busy: {type(exc).__name__}") from exc
            raise

    async def preload(
        self, snap: SqlSnapshot, client_id: str, stmt: Select[*tuple[Any, ...]]
    ) -> Sequence[Any]:
        """Run `stmt` (e.g. the device's scope) with the clock row and the device's
        `last_mutation_id` as extra columns: one round trip instead of three."""
        lmid = select(CLIENTS.c.last_mutation_id).where(CLIENTS.c.client_id == uuid.UUID(client_id))
        clock = [select(c).where(CLOCK.c.id == CLOCK_ROW).scalar_subquery() for c in CLOCK_COLUMNS]
        extra = [*(c.label(f"_clock{i}") for i, c in enumerate(clock)), lmid.scalar_subquery().label("_lmid")]
        rows = (await snap.conn.execute(stmt.add_columns(*extra))).all()
        if rows:
            first = rows[0]
            snap.set_clock(first._clock0, first._clock1, first._clock2)
            snap.last_mutation_ids[client_id] = int(first._lmid or 0)
        return rows

    async def last_mutation_id(self, snap: SqlSnapshot, client_id: str) -> int:
        if client_id in snap.last_mutation_ids:
            return snap.last_mutation_ids[client_id]
        stmt = select(CLIENTS.c.last_mutation_id).where(CLIENTS.c.client_id == uuid.UUID(client_id))
        return int((await snap.conn.execute(stmt)).scalar() or 0)

    async def watermark(self, snap: SqlSnapshot) -> int:
        await snap.load()
        return snap.watermark

    async def horizon(self, snap: SqlSnapshot) -> int:
        await snap.load()
        return snap.horizon

    async def changes_after(
        self, snap: SqlSnapshot, after: int, scope: ScopeKeys, limit: int
    ) -> Sequence[ChangeRef]:
        if not scope or limit < 1:
            return []
        await snap.load()
        stmt = (
            select(CHANGES.c.change_id, CHANGES.c.entity, CHANGES.c.row_id)
            .where(
                CHANGES.c.scope_key.in_(sorted(scope)),
                CHANGES.c.change_id > after,
                CHANGES.c.change_id <= snap.watermark,
            )
            .distinct()
            .order_by(CHANGES.c.change_id)
            .limit(limit)
        )
        rows = (await snap.conn.execute(stmt)).all()
        return [ChangeRef(int(r.change_id), r.entity, r.row_id) for r in rows]

    async def read_rows(self, snap: SqlSnapshot, keys: Sequence[RowKey]) -> Mapping[RowKey, Row]:
        return await self.catalog.read(snap.conn, keys)

    async def scan_rows(
        self, snap: SqlSnapshot, scope: ScopeKeys, after: RowKey | None, limit: int
    ) -> Sequence[Row]:
        return await self.catalog.scan(snap.conn, scope, after, limit)


async def _rollback(session: AsyncSession) -> None:
    try:
        await session.rollback()
    except Exception:  # the connection may be gone; closing the session discards it
        await session.invalidate()
