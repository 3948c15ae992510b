"""The reference domain (`sync.refdomain`) stored in one generic table of a real database: its
rows, the journal the checker replays, their change capture, the `RowTx` its mutators write
through, and the row source pulls read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from backend.replication import capture
from backend.replication.changelog import Change
from backend.replication.models import SyncFieldVersion
from backend.replication.store import SqlStore, SqlTx
from sync.memory import NotLocked, StoredRow
from sync.simulation import FaultHooks
from sync.store import Row, ScopeKeys

JOURNAL = "journal"
FIELD_VERSIONS = SyncFieldVersion.__table__
ENTITIES = ("comment", "conflict", "ledger", "stock", "user", "workorder")


class SimBase(DeclarativeBase):
    pass


class SimRow(SimBase):
    __tablename__ = "sim_rows"
    __audit__ = False
    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)


class SimJournal(SimBase):
    __tablename__ = "sim_journal"
    __audit__ = False
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[str] = mapped_column(String(40))
    mutation_id: Mapped[int] = mapped_column(BigInteger)
    detail: Mapped[Any] = mapped_column(JSON, nullable=True)


def _row_rule(session: Session, obj: SimRow, kind: str) -> list[Change]:
    from sqlalchemy import inspect

    history = inspect(obj).attrs.scopes.history
    keys = set(obj.scopes or []) | {k for old in history.deleted for k in (old or [])}
    op = "del" if kind == "deleted" else "put"
    return [Change(obj.entity, obj.id, keys, op, obj.version)]


def _journal_rule(session: Session, obj: SimJournal, kind: str) -> list[Change]:
    return [Change(JOURNAL, str(obj.seq), {JOURNAL}, "put")]


def install_capture() -> None:
    if "sim_rows" in capture.REGISTRY.installed:
        return
    capture.REGISTRY.installed.add("sim_rows")
    capture.REGISTRY.add_rule(SimRow, _row_rule)
    capture.REGISTRY.add_rule(SimJournal, _journal_rule)


def _stored(obj: SimRow) -> StoredRow:
    return StoredRow(obj.entity, obj.id, obj.version, dict(obj.data), frozenset(obj.scopes), dict(obj.meta))


class SimTx(SqlTx):
    """`sync.refdomain.RowTx` on the SQL store: rows must be locked before they are written."""

    def __init__(self, store: SqlStore, session: Any) -> None:
        super().__init__(store, session)
        self._locked: set[tuple[str, str]] = set()
        self._base: dict[tuple[str, str], int] = {}
        self._objects: dict[tuple[str, str], SimRow | None] = {}
        """Strong references: the session's identity map only holds unchanged rows weakly."""

    @property
    def hooks(self) -> FaultHooks | None:
        return getattr(self.store, "hooks", None)

    async def lock(self, entity: str, id: str) -> None:
        """Lock the row (PostgreSQL: an advisory lock, which also covers rows not there yet) and
        read it afresh; from then on this transaction's view of it is authoritative."""
        key = (entity, id)
        if key in self._locked:
            return
        if self.store.engine.dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": f"{entity}:{id}"}
            )
        self._locked.add(key)
        stmt = select(SimRow).where(SimRow.entity == entity, SimRow.id == id)
        obj = (await self.session.execute(stmt.execution_options(populate_existing=True))).scalar()
        if obj is None:
            stale = await self.session.get(SimRow, key)
            if stale is not None:
                self.session.expunge(stale)
        self._objects[key] = obj
        self._base[key] = 0 if obj is None else obj.version
        if self.hooks is not None:
            await self.hooks.jitter()

    async def get(self, entity: str, id: str, *, for_update: bool = False) -> StoredRow | None:
        key = (entity, id)
        if for_update:
            await self.lock(entity, id)
        if key in self._locked:
            obj = self._objects.get(key)
        else:
            obj = await self.session.get(SimRow, key)
        if obj is None or obj in self.session.deleted:
            return None
        return _stored(obj)

    async def find(self, entity: str, field_name: str, value: Any) -> list[StoredRow]:
        rows = (await self.session.execute(select(SimRow).where(SimRow.entity == entity))).scalars()
        found = [
            _stored(r) for r in rows if r not in self.session.deleted and r.data.get(field_name) == value
        ]
        return sorted(found, key=lambda r: r.id)

    def _require(self, key: tuple[str, str]) -> None:
        if key not in self._locked:
            raise NotLocked(f"{key} written without a lock")

    def put(
        self,
        entity: str,
        id: str,
        data: dict[str, Any],
        scopes: ScopeKeys,
        meta: dict[str, Any] | None = None,
    ) -> int:
        key = (entity, id)
        self._require(key)
        version = self._base[key] + 1
        obj = self._objects.get(key)
        if obj is None:
            obj = self._objects[key] = SimRow(entity=entity, id=id)
            self.session.add(obj)
        obj.version = version
        obj.data = dict(data)
        obj.scopes = sorted(scopes)
        obj.meta = dict(meta or {})
        return version

    def delete(self, entity: str, id: str) -> None:
        key = (entity, id)
        self._require(key)
        obj = self._objects.get(key)
        self._objects[key] = None
        if obj is not None:
            self.session.sync_session.delete(obj)

    def note(self, kind: str, detail: Any = None) -> None:
        self.session.add(SimJournal(kind=kind, client_id="", mutation_id=0, detail=_jsonable(detail)))


def _jsonable(detail: Any) -> Any:
    if isinstance(detail, tuple):
        return [_jsonable(d) for d in detail]
    return detail


class SimSource:
    """The reference domain's rows (one table, several entities) as pulls see them."""

    entities = ENTITIES
    BATCH = 200

    @staticmethod
    def _row(obj: Any) -> Row:
        return Row(obj.entity, obj.id, int(obj.version), dict(obj.data), frozenset(obj.scopes))

    async def read(self, conn: AsyncConnection, entity: str, ids: Sequence[str]) -> list[Row]:
        stmt = select(SimRow.__table__).where(SimRow.entity == entity, SimRow.id.in_(list(ids)))
        return [self._row(r) for r in (await conn.execute(stmt)).all()]

    async def scan(
        self, conn: AsyncConnection, entity: str, scope: ScopeKeys, after: str | None, limit: int
    ) -> list[Row]:
        found: list[Row] = []
        while len(found) < limit:
            stmt = (
                select(SimRow.__table__).where(SimRow.entity == entity).order_by(SimRow.id).limit(self.BATCH)
            )
            if after is not None:
                stmt = stmt.where(SimRow.id > after)
            batch = (await conn.execute(stmt)).all()
            found += [r for r in map(self._row, batch) if not r.scopes.isdisjoint(scope)]
            if len(batch) < self.BATCH:
                break
            after = batch[-1].id
        return found[:limit]
