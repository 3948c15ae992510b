"""The in-memory reference `Store`: commit-time change ids, snapshots, restarts, retention."""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace

from sync.memory._rows import CLIENT_LOCK, JournalEntry, LogEntry, ServerCrashed, StoredRow
from sync.memory._tx import MemoryTx
from sync.messages import MutationResult
from sync.store import ChangeRef, Row, RowKey, ScopeKeys


class MemoryStore:
    """Reference `Store[MemoryTx, MemoryStore]` (the snapshot handle is the store itself)."""

    def __init__(
        self,
        *,
        epoch: str = "memory",
        jitter: Callable[[], Awaitable[None]] | None = None,
        crash_on_commit: Callable[[], bool] | None = None,
    ) -> None:
        self._epoch = epoch
        self.jitter = jitter
        self.crash_on_commit = crash_on_commit
        self.generation = 0
        self._rows: dict[RowKey, StoredRow] = {}
        self._keys: list[RowKey] = []
        self._log: list[LogEntry] = []
        self._log_ids: list[int] = []
        self._watermark = 0
        self._horizon = 0
        self._clients: dict[str, int] = {}
        self._results: dict[tuple[str, int], MutationResult] = {}
        self.journal: list[JournalEntry] = []
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._apply_lock = asyncio.Lock()
        self.commits = 0

    @property
    def epoch(self) -> str:
        return self._epoch

    # --- transactions ------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[MemoryTx]:
        tx = MemoryTx(self)
        try:
            await self.pause()
            yield tx
            await self._commit(tx)
        finally:
            tx.release()

    async def pause(self) -> None:
        if self.jitter is not None:
            await self.jitter()

    def lock_for(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def restart(self) -> None:
        self.generation += 1

    def on_write(self, tx: MemoryTx, key: RowKey) -> None:
        """Hook called when a transaction writes a row (ids are not drawn here, see `commit_id`)."""

    def commit_id(self, tx: MemoryTx, key: RowKey) -> int:
        """The change id of a committed write: the next one, drawn while publishing the commit."""
        return self._watermark + 1

    async def _commit(self, tx: MemoryTx) -> None:
        await self.pause()
        tx.check()
        if self.crash_on_commit is not None and self.crash_on_commit():
            self.restart()
            raise ServerCrashed("the server died while committing")
        async with self._apply_lock:
            tx.check()
            self._publish(tx)

    def _publish(self, tx: MemoryTx) -> None:
        for key, new in tx.writes.items():
            old = self._rows.get(key)
            change_id = self.commit_id(tx, key)
            scopes = (old.scopes if old is not None else frozenset()) | (
                new.scopes if new is not None else frozenset()
            )
            self._append_log(LogEntry(change_id, key[0], key[1], scopes))
            self._watermark = max(self._watermark, change_id)
            if new is None:
                if old is not None:
                    del self._rows[key]
                    self._keys.pop(bisect.bisect_left(self._keys, key))
            else:
                if old is None:
                    bisect.insort(self._keys, key)
                self._rows[key] = new
        self._clients.update(tx.clients)
        self._results.update(tx.results)
        self.journal.extend(tx.journal)
        self.commits += 1

    def _append_log(self, entry: LogEntry) -> None:
        if not self._log_ids or entry.change_id > self._log_ids[-1]:
            self._log.append(entry)
            self._log_ids.append(entry.change_id)
            return
        index = bisect.bisect_left(self._log_ids, entry.change_id)
        self._log.insert(index, entry)
        self._log_ids.insert(index, entry.change_id)

    # --- Store: write side -------------------------------------------------------------------

    async def lock_client(self, tx: MemoryTx, client_id: str) -> int:
        await tx.lock_key((CLIENT_LOCK, client_id))
        return tx.clients.get(client_id, self._clients.get(client_id, 0))

    async def advance_client(self, tx: MemoryTx, client_id: str, mutation_id: int) -> None:
        tx.check()
        tx.clients[client_id] = mutation_id

    async def load_result(self, tx: MemoryTx, client_id: str, mutation_id: int) -> MutationResult | None:
        tx.check()
        key = (client_id, mutation_id)
        return tx.results.get(key, self._results.get(key))

    async def save_result(self, tx: MemoryTx, client_id: str, result: MutationResult) -> None:
        tx.check()
        tx.results[(client_id, result.id)] = result
        tx.journal.append(JournalEntry("mutation", client_id, result.id, result.status))

    # --- Store: read side --------------------------------------------------------------------

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[MemoryStore]:
        async with self._apply_lock:
            yield self

    async def last_mutation_id(self, snap: MemoryStore, client_id: str) -> int:
        return self._clients.get(client_id, 0)

    async def watermark(self, snap: MemoryStore) -> int:
        return self._watermark

    async def horizon(self, snap: MemoryStore) -> int:
        return self._horizon

    async def changes_after(
        self, snap: MemoryStore, after: int, scope: ScopeKeys, limit: int
    ) -> Sequence[ChangeRef]:
        found: list[ChangeRef] = []
        for index in range(bisect.bisect_right(self._log_ids, after), len(self._log)):
            entry = self._log[index]
            if entry.change_id > self._watermark:
                break
            if not entry.scopes.isdisjoint(scope):
                found.append(ChangeRef(entry.change_id, entry.entity, entry.id))
                if len(found) == limit:
                    break
        return found

    async def read_rows(self, snap: MemoryStore, keys: Sequence[RowKey]) -> Mapping[RowKey, Row]:
        return {key: row.to_row() for key in keys if (row := self._rows.get(key)) is not None}

    async def scan_rows(
        self, snap: MemoryStore, scope: ScopeKeys, after: RowKey | None, limit: int
    ) -> Sequence[Row]:
        start = 0 if after is None else bisect.bisect_right(self._keys, after)
        found: list[Row] = []
        for key in self._keys[start:]:
            row = self._rows[key]
            if not row.scopes.isdisjoint(scope):
                found.append(row.to_row())
                if len(found) == limit:
                    break
        return found

    # --- reads outside the Store protocol (domain scope resolvers, inspection, retention) --------

    def committed(self, key: RowKey) -> StoredRow | None:
        row = self._rows.get(key)
        return None if row is None else replace(row, data=dict(row.data), meta=dict(row.meta))

    def committed_rows(self, entity: str | None = None) -> list[StoredRow]:
        return [row for key, row in self._rows.items() if entity is None or key[0] == entity]

    def client_state(self) -> dict[str, int]:
        return dict(self._clients)

    def results(self) -> dict[tuple[str, int], MutationResult]:
        return dict(self._results)

    def compact(self, upto: int) -> None:
        """Prune change-log entries at or below `upto` (retention); pulls behind it must reset."""
        upto = min(upto, self._watermark)
        if upto <= self._horizon:
            return
        cut = bisect.bisect_right(self._log_ids, upto)
        del self._log[:cut]
        del self._log_ids[:cut]
        self._horizon = upto

    @property
    def current_watermark(self) -> int:
        return self._watermark
