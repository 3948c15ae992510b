"""The storage contract the engine runs against, and the row and change-log types it reads.

A `Store` gives the engine two kinds of context:

- a write **transaction** (`TxT`): one per mutation. Mutators write domain rows through it; the
  store captures every row change (put or delete, with the row's scope keys before and after)
  and, at commit, appends them to the change log under **commit-ordered** change ids (see
  `sync.cursor`). The engine locks the device's client row, reads and advances
  `last_mutation_id` and stores the mutation result in the same transaction.
- a read **snapshot** (`SnapT`): one per pull. Every read of one pull sees the same committed
  state, so the `last_mutation_id` returned with the rows is consistent with them.

`sync.memory.MemoryStore` is the reference implementation; the backend implements the same
protocol on SQLAlchemy (PostgreSQL and SQLite).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import msgspec

from sync.messages import MutationResult

RowKey = tuple[str, str]
"""(entity, id) of a synced row."""

ScopeKeys = frozenset[str]
"""The scope keys of a row (e.g. `site:<id>`) or of a device (what it may see)."""

TxT = TypeVar("TxT")
SnapT = TypeVar("SnapT")


class Row(msgspec.Struct, frozen=True):
    """A synced row as the pull sees it: content, per-row version, and the scopes it belongs to.

    A Struct rather than a dataclass: one is made for every row of a first sync."""

    entity: str
    id: str
    version: int
    data: dict[str, Any]
    scopes: ScopeKeys

    @property
    def key(self) -> RowKey:
        return (self.entity, self.id)


@dataclass(frozen=True, slots=True)
class ChangeRef:
    """One change-log entry: row `(entity, id)` changed in the transaction that got `change_id`."""

    change_id: int
    entity: str
    id: str

    @property
    def key(self) -> RowKey:
        return (self.entity, self.id)


class Store(Protocol[TxT, SnapT]):
    """What the engine needs from storage. All methods may raise `sync.errors.TransientError`."""

    @property
    def epoch(self) -> str:
        """Identity of this server's history; changed when the database is restored from backup."""
        ...

    # --- write side: called inside one transaction per mutation ---------------------------

    def transaction(self) -> AbstractAsyncContextManager[TxT]:
        """Begin a write transaction; commit on normal exit, roll back if the block raises.

        The commit appends the captured row changes to the change log with ids assigned at
        commit time in commit order, and only then makes them visible.
        """
        ...

    async def lock_client(self, tx: TxT, client_id: str) -> int:
        """Lock the device's client row until the end of `tx` (creating it at 0) and return its
        `last_mutation_id`. Concurrent pushes of one device serialise here."""
        ...

    async def advance_client(self, tx: TxT, client_id: str, mutation_id: int) -> None:
        """Set `last_mutation_id` (the engine only ever raises it by exactly one)."""
        ...

    async def load_result(self, tx: TxT, client_id: str, mutation_id: int) -> MutationResult | None:
        """The stored result of a processed mutation, or None once past retention."""
        ...

    async def save_result(self, tx: TxT, client_id: str, result: MutationResult) -> None:
        """Store the result of `result.id` (unique per client and id)."""
        ...

    # --- read side: called inside one snapshot per pull ----------------------------------

    def snapshot(self) -> AbstractAsyncContextManager[SnapT]:
        """A consistent read-only view (PostgreSQL: REPEATABLE READ; SQLite: one read txn)."""
        ...

    async def last_mutation_id(self, snap: SnapT, client_id: str) -> int: ...

    async def watermark(self, snap: SnapT) -> int:
        """The safe high-water change id: every change with an id at or below it is visible in
        this snapshot, and no change at or below it can ever commit later."""
        ...

    async def horizon(self, snap: SnapT) -> int:
        """Changes at or below this id may have been pruned (retention); 0 if none were."""
        ...

    async def changes_after(
        self, snap: SnapT, after: int, scope: ScopeKeys, limit: int
    ) -> Sequence[ChangeRef]:
        """Up to `limit` log entries with `after < change_id <= watermark`, ascending, whose row
        was in `scope` before or after that change (scope keys of either side intersect)."""
        ...

    async def read_rows(self, snap: SnapT, keys: Sequence[RowKey]) -> Mapping[RowKey, Row]:
        """Current rows for `keys`; a deleted row is simply absent."""
        ...

    async def scan_rows(
        self, snap: SnapT, scope: ScopeKeys, after: RowKey | None, limit: int
    ) -> Sequence[Row]:
        """Up to `limit` current rows in `scope`, ordered by `(entity, id)`, strictly after `after`."""
        ...
