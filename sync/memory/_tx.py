"""A transaction of the in-memory store: buffered writes, row locks held until it ends."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from sync.memory._rows import JournalEntry, NotLocked, ServerCrashed, StoredRow
from sync.messages import MutationResult
from sync.store import RowKey, ScopeKeys

if TYPE_CHECKING:
    from sync.memory._store import MemoryStore


class MemoryTx:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.generation = store.generation
        self.writes: dict[RowKey, StoredRow | None] = {}
        self.stamps: dict[RowKey, int] = {}
        self.clients: dict[str, int] = {}
        self.results: dict[tuple[str, int], MutationResult] = {}
        self.journal: list[JournalEntry] = []
        self._locked: set[Hashable] = set()
        self._held: list[asyncio.Lock] = []

    def check(self) -> None:
        if self.generation != self._store.generation:
            raise ServerCrashed("the server restarted during this transaction")

    async def lock_key(self, key: Hashable) -> None:
        self.check()
        if key in self._locked:
            return
        lock = self._store.lock_for(key)
        await lock.acquire()
        self._held.append(lock)
        self._locked.add(key)
        self.check()
        await self._store.pause()

    async def lock(self, entity: str, id: str) -> None:
        await self.lock_key((entity, id))

    async def get(self, entity: str, id: str, *, for_update: bool = False) -> StoredRow | None:
        if for_update:
            await self.lock(entity, id)
        self.check()
        key = (entity, id)
        if key in self.writes:
            return self.writes[key]
        return self._store.committed(key)

    async def find(self, entity: str, field_name: str, value: Any) -> list[StoredRow]:
        """Rows of `entity` whose `data[field_name] == value`, own writes included, by id."""
        self.check()
        found = {r.id: r for r in self._store.committed_rows(entity) if r.data.get(field_name) == value}
        for (kind, row_id), row in self.writes.items():
            if kind != entity:
                continue
            if row is not None and row.data.get(field_name) == value:
                found[row_id] = row
            else:
                found.pop(row_id, None)
        return [found[k] for k in sorted(found)]

    def put(
        self,
        entity: str,
        id: str,
        data: dict[str, Any],
        scopes: ScopeKeys,
        meta: dict[str, Any] | None = None,
    ) -> int:
        """Insert or replace a row (locked beforehand); returns its new version."""
        key = (entity, id)
        self._require_lock(key)
        committed = self._store.committed(key)
        version = (committed.version if committed is not None else 0) + 1
        self.writes[key] = StoredRow(entity, id, version, dict(data), frozenset(scopes), dict(meta or {}))
        self._store.on_write(self, key)
        return version

    def delete(self, entity: str, id: str) -> None:
        key = (entity, id)
        self._require_lock(key)
        self.writes[key] = None
        self._store.on_write(self, key)

    def note(self, kind: str, detail: Any = None) -> None:
        self.journal.append(JournalEntry(kind, "", 0, detail))

    def release(self) -> None:
        for lock in reversed(self._held):
            lock.release()
        self._held.clear()

    def _require_lock(self, key: RowKey) -> None:
        self.check()
        if key not in self._locked:
            raise NotLocked(f"{key} written without a lock")
