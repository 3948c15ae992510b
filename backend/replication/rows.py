"""Reading replicated rows for a pull: by id (changed rows) and by key order within a scope (the
first sync's snapshot), shaped into wire data with their scope keys and version."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from sync.store import Row, ScopeKeys

from backend.db.replica import Replicated, site_key, sites_in


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
        columns: list[ColumnElement[Any]] = [expr.label(name) for name, expr in spec.fields.items()]
        columns += [k.label(f"_k{i}") for i, k in enumerate(spec.key)]
        columns.append(spec.site.label("_site"))
        version = spec.version if spec.version is not None else spec.stamp
        assert version is not None
        columns.append(version.label("_v"))
        active = spec.active if spec.active is not None else true()
        columns.append(active.label("_in"))
        stmt = select(*columns).select_from(spec.model)
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

    def _rows(self, raw: Iterable[Mapping[str, Any]]) -> list[tuple[dict[str, Any], Mapping[str, Any]]]:
        spec = self.spec
        found = []
        for mapping in raw:
            data = {name: mapping[name] for name in spec.fields}
            if spec.shape is not None:
                spec.shape(data)
            found.append((data, mapping))
        return found

    async def _finish(self, conn: AsyncConnection, raw: Sequence[Mapping[str, Any]]) -> list[Row]:
        spec = self.spec
        shaped = self._rows(raw)
        if spec.enrich is not None and shaped:
            await spec.enrich(conn, [data for data, _ in shaped])
        rows = []
        for data, mapping in shaped:
            row_id = ":".join(str(mapping[f"_k{i}"]) for i in range(len(spec.key)))
            version = mapping["_v"]
            if not isinstance(version, int):
                version = stamp_version(version)
            scopes = frozenset({site_key(mapping["_site"])}) if mapping["_in"] else frozenset()
            rows.append(Row(spec.entity, row_id, version, data, scopes))
        return rows

    async def read(self, conn: AsyncConnection, entity: str, ids: Sequence[str]) -> list[Row]:
        keys = [k for k in (self._key(i) for i in ids) if k is not None]
        if not keys:
            return []
        result = await conn.execute(self._where_key(self._select, keys))
        return await self._finish(conn, result.mappings().all())

    async def scan(
        self, conn: AsyncConnection, entity: str, scope: ScopeKeys, after: str | None, limit: int
    ) -> list[Row]:
        sites = sites_in(scope)
        if not sites or limit < 1:
            return []
        stmt = self._select.where(self.spec.site.in_(sites))
        if self.spec.active is not None:
            stmt = stmt.where(self.spec.active)
        if after is not None:
            stmt = self._after(stmt, after)
        stmt = stmt.order_by(*self.spec.key).limit(limit)
        result = await conn.execute(stmt)
        return await self._finish(conn, result.mappings().all())


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

    async def read(self, conn: AsyncConnection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Row]:
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
