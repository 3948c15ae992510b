"""Reading replicated rows for a pull: by id (changed rows) and by key order within a scope (the
first sync's snapshot), shaped into wire data with their scope keys and version."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from backend.db.replica import Replicated, site_key, sites_in
from sync.store import Row, ScopeKeys


class key_order(ColumnElement[Any]):
    """A column SQLite must not pick an index for (`+column`), so that a keyset page walks the
    primary key in order instead of sorting every row of the site for each page."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(key_order)
def _plain(element: key_order, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(key_order, "sqlite")
def _unindexed(element: key_order, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


class RowSource(Protocol):
    """Rows of one or more entities, as a pull sees them."""

    @property
    def entities(self) -> tuple[str, ...]: ...

    async def read(self, conn: AsyncConnection, entity: str, ids: Sequence[str]) -> list[Row]:
        """The current rows with these ids (missing ones are simply absent)."""
        ...

    async def scan(
        self, conn: AsyncConnection, entity: str, scope: ScopeKeys, after: str | None, limit: int
    ) -> list[Row]:
        """Up to `limit` rows in `scope`, ordered by id, with ids strictly after `after`."""
        ...


def stamp_version(value: datetime | None) -> int:
    """A version for rows without a counter: their last change in milliseconds."""
    return 0 if value is None else int(value.timestamp() * 1000)


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


class TableSource:
    """The rows of one `Replicated` table."""

    def __init__(self, spec: Replicated) -> None:
        self.spec = spec
        self.entities = (spec.entity,)
        self._names = list(spec.fields)
        exprs: list[ColumnElement[Any]] = list(spec.fields.values())

        def position(expr: Any) -> int:
            for index, known in enumerate(exprs):
                if known is expr:
                    return index
            exprs.append(expr)
            return len(exprs) - 1

        self._keys = [position(k) for k in spec.key]
        self._site = position(spec.site)
        version = spec.version if spec.version is not None else spec.stamp
        assert version is not None
        self._version = position(version)
        self._active = None if spec.active is None else position(spec.active)
        stmt = select(*(e.label(f"c{i}") for i, e in enumerate(exprs))).select_from(spec.model)
        for target, onclause in spec.joins:
            stmt = stmt.join(target, onclause)
        self._select = stmt

    def _key(self, row_id: str) -> tuple[uuid.UUID, ...] | None:
        parts = row_id.split(":")
        if len(parts) != len(self.spec.key):
            return None
        values = tuple(_uuid(p) for p in parts)
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v is not None)

    def _where_key(self, stmt: Select[Any], keys: list[tuple[uuid.UUID, ...]]) -> Select[Any]:
        if len(self.spec.key) == 1:
            return stmt.where(self.spec.key[0].in_([k[0] for k in keys]))
        return stmt.where(tuple_(*self.spec.key).in_(keys))

    def _after(self, stmt: Select[Any], after: str) -> Select[Any]:
        key = self._key(after)
        if key is None:
            return stmt
        if len(key) == 1:
            return stmt.where(self.spec.key[0] > key[0])
        return stmt.where(tuple_(*self.spec.key) > tuple_(*key))

    async def _finish(self, conn: AsyncConnection, raw: Sequence[Sequence[Any]]) -> list[Row]:
        # One pass per row: this runs for every row of a first sync.
        spec, names, shape = self.spec, self._names, self.spec.shape
        keys, site, version_at, active = self._keys, self._site, self._version, self._active
        single = keys[0] if len(keys) == 1 else None
        entity = spec.entity
        outside: frozenset[str] = frozenset()
        scopes: dict[Any, frozenset[str]] = {}
        rows = []
        for values in raw:
            data = dict(zip(names, values, strict=False))
            if shape is not None:
                shape(data)
            row_id = str(values[single]) if single is not None else ":".join(str(values[k]) for k in keys)
            version = values[version_at]
            if version.__class__ is not int:
                version = stamp_version(version)
            if active is None or values[active]:
                where = values[site]
                keyset = scopes.get(where)
                if keyset is None:
                    keyset = scopes[where] = frozenset({site_key(where)})
            else:
                keyset = outside
            rows.append(Row(entity, row_id, version, data, keyset))
        if spec.enrich is not None and rows:
            await spec.enrich(conn, [row.data for row in rows])  # fills each row's data in place
        return rows

    async def read(self, conn: AsyncConnection, entity: str, ids: Sequence[str]) -> list[Row]:
        keys = [k for k in (self._key(i) for i in ids) if k is not None]
        if not keys:
            return []
        result = await conn.execute(self._where_key(self._select, keys))
        return await self._finish(conn, result.all())

    async def scan(
        self, conn: AsyncConnection, entity: str, scope: ScopeKeys, after: str | None, limit: int
    ) -> list[Row]:
        sites = sites_in(scope)
        if not sites or limit < 1:
            return []
        stmt = self._select.where(key_order(self.spec.site).in_(sites))
        if self.spec.active is not None:
            stmt = stmt.where(self.spec.active)
        if after is not None:
            stmt = self._after(stmt, after)
        stmt = stmt.order_by(*self.spec.key).limit(limit)
        result = await conn.execute(stmt)
        return await self._finish(conn, result.all())


class Catalog:
    """Every replicated entity and the source that reads it."""

    def __init__(self, sources: Iterable[RowSource]) -> None:
        self._by_entity: dict[str, RowSource] = {}
        for source in sources:
            for entity in source.entities:
                if entity in self._by_entity:
                    raise ValueError(f"entity {entity!r} is replicated twice")
                self._by_entity[entity] = source
        self.entities = tuple(sorted(self._by_entity))

    def source(self, entity: str) -> RowSource | None:
        return self._by_entity.get(entity)

    async def read(
        self, conn: AsyncConnection, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], Row]:
        wanted: dict[str, list[str]] = {}
        for entity, row_id in keys:
            wanted.setdefault(entity, []).append(row_id)
        found: dict[tuple[str, str], Row] = {}
        for entity, ids in wanted.items():
            source = self.source(entity)
            if source is None:
                continue
            for row in await source.read(conn, entity, ids):
                found[row.key] = row
        return found

    async def scan(
        self, conn: AsyncConnection, scope: ScopeKeys, after: tuple[str, str] | None, limit: int
    ) -> list[Row]:
        rows: list[Row] = []
        for entity in self.entities:
            if after is not None and entity < after[0]:
                continue
            source = self.source(entity)
            assert source is not None
            start = after[1] if after is not None and entity == after[0] else None
            rows += await source.scan(conn, entity, scope, start, limit - len(rows))
            if len(rows) >= limit:
                break
        return rows[:limit]
