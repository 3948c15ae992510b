"""Row, log and journal records of the in-memory store, and its failure exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.store import Row, RowKey, ScopeKeys

CLIENT_LOCK = "_client"


class ServerCrashed(Exception):
    """The simulated server process died; the request gets no answer."""


class NotLocked(RuntimeError):
    """A row was written without being locked first (a mutator bug)."""


@dataclass(frozen=True, slots=True)
class StoredRow:
    entity: str
    id: str
    version: int
    data: dict[str, Any]
    scopes: ScopeKeys
    meta: dict[str, Any] = field(default_factory=dict)
    """Server-only bookkeeping (e.g. per-field versions and writers); never synced."""

    @property
    def key(self) -> RowKey:
        return (self.entity, self.id)

    def to_row(self) -> Row:
        return Row(self.entity, self.id, self.version, self.data, self.scopes)


@dataclass(frozen=True, slots=True)
class LogEntry:
    change_id: int
    entity: str
    id: str
    scopes: ScopeKeys
    """The row's scope keys before and after the change."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """Committed history for oracles: one entry per stored mutation result or admin action."""

    kind: str
    client_id: str
    mutation_id: int
    detail: Any = None
