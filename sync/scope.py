"""Scopes: which rows a device may see, and what a scope change means for a replica.

A device's scope is a set of scope keys (`site:<id>`, `user:<id>`…) recomputed from its token on
every pull. Each row carries the scope keys it belongs to; it is visible to a device when the two
sets intersect. A change-log entry records the row's keys before *and* after the change, so a
device whose scope held the row before a reassignment learns that the row left (a `Del`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sync.messages import Del, Put
from sync.store import Row, RowKey, ScopeKeys


def visible(row_scopes: ScopeKeys, scope: ScopeKeys) -> bool:
    return not row_scopes.isdisjoint(scope)


def classify(key: RowKey, row: Row | None, scope: ScopeKeys) -> Put | Del:
    """The op a device with `scope` gets for a changed row: `Put` if the row exists and is
    visible, else `Del` (deleted, or moved out of the device's scope)."""
    if row is not None and visible(row.scopes, scope):
        return Put(entity=row.entity, id=row.id, version=row.version, data=row.data)
    return Del(entity=key[0], id=key[1])


@dataclass(frozen=True, slots=True)
class ScopeDiff:
    left: frozenset[RowKey]
    """Rows the replica held that are no longer in scope: delete them."""
    entered: frozenset[RowKey]
    kept: frozenset[RowKey]


def scope_diff(before: Iterable[RowKey], after: Iterable[RowKey]) -> ScopeDiff:
    """Compare the rows a replica held with the rows of the new scope.

    The client uses it when it reveals a reset sequence (`Clear` + puts): `left` are the rows to
    drop (and to tell the user about, e.g. a work order reassigned to someone else).
    """
    old, new = frozenset(before), frozenset(after)
    return ScopeDiff(left=old - new, entered=new - old, kept=old & new)


@dataclass(frozen=True, slots=True)
class ScopeChange:
    added: frozenset[str]
    removed: frozenset[str]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed)


def scope_change(previous: Iterable[str], current: Iterable[str]) -> ScopeChange:
    old, new = frozenset(previous), frozenset(current)
    return ScopeChange(added=new - old, removed=old - new)
