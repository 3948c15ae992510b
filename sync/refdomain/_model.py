"""The reference domain's model: field policies, argument types, scopes and row helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import msgspec

from sync.errors import MutationRejected
from sync.memory import StoredRow
from sync.merge import (
    LWW,
    ConflictRecord,
    EntityPolicy,
    FieldEdit,
    FieldState,
    OrderedStates,
    Writer,
    ruled,
)
from sync.registry import MutationContext
from sync.store import ScopeKeys

STATUS_RULE = OrderedStates(order=("open", "in_progress"), terminal=frozenset({"completed", "cancelled"}))
WORKORDER_POLICY = EntityPolicy(
    "workorder",
    {"status": ruled(STATUS_RULE), "title": LWW, "priority": LWW, "notes": LWW},
)
"""`reading` (a measurement) is not declared, so it is surfaced on concurrent edits."""
WORKORDER_FIELDS = frozenset({"title", "status", "priority", "notes", "reading"})


class RowTx(Protocol):
    async def lock(self, entity: str, id: str) -> None: ...
    async def get(self, entity: str, id: str, *, for_update: bool = False) -> StoredRow | None: ...
    async def find(self, entity: str, field_name: str, value: Any) -> list[StoredRow]: ...
    def put(
        self,
        entity: str,
        id: str,
        data: dict[str, Any],
        scopes: ScopeKeys,
        meta: dict[str, Any] | None = None,
    ) -> int: ...
    def delete(self, entity: str, id: str) -> None: ...
    def note(self, kind: str, detail: Any = None) -> None: ...


TxT = TypeVar("TxT", bound=RowTx)


@dataclass(frozen=True, slots=True)
class RefAuth:
    user_id: str


Ctx = MutationContext[RowTx, RefAuth]


def site_scope(site: str) -> ScopeKeys:
    return frozenset({f"site:{site}"})


def scope_for_sites(sites: Iterable[str]) -> ScopeKeys:
    return frozenset(f"site:{s}" for s in sites)


class EditArgs(msgspec.Struct, frozen=True):
    id: str
    fields: dict[str, FieldEdit]


class MoveArgs(msgspec.Struct, frozen=True):
    id: str
    site: str


class CommentArgs(msgspec.Struct, frozen=True):
    id: str
    workorder_id: str
    text: str


class DeleteArgs(msgspec.Struct, frozen=True):
    id: str


class AdjustArgs(msgspec.Struct, frozen=True):
    id: str
    delta: int


class RejectArgs(msgspec.Struct, frozen=True):
    code: str
    reason: str


class Empty(msgspec.Struct, frozen=True):
    pass


async def user_sites(tx: RowTx, user_id: str) -> frozenset[str]:
    """The user's sites, locked until commit, so that a grant change cannot slip in between."""
    user = await tx.get("user", user_id, for_update=True)
    return frozenset() if user is None else frozenset(user.data.get("sites", []))


async def require_site(ctx: Ctx, site: str) -> None:
    if site not in await user_sites(ctx.tx, ctx.auth.user_id):
        raise MutationRejected("forbidden", f"no access to site {site}")


async def locked(ctx: Ctx, entity: str, id: str) -> StoredRow:
    row = await ctx.tx.get(entity, id, for_update=True)
    if row is None:
        raise MutationRejected("not_found", f"{entity} {id} does not exist")
    return row


def field_states(row: StoredRow) -> dict[str, FieldState]:
    meta: dict[str, list[Any]] = row.meta.get("fields", {})
    states = {}
    for name, value in row.data.items():
        version, client, mutation = meta.get(name, [0, None, 0])
        writer = None if client is None else Writer(client, mutation)
        states[name] = FieldState(value, version, writer)
    return states


def field_meta(states: dict[str, FieldState]) -> dict[str, list[Any]]:
    return {
        name: [
            s.version,
            None if s.writer is None else s.writer.client_id,
            0 if s.writer is None else s.writer.mutation_id,
        ]
        for name, s in states.items()
    }


def write_conflicts(ctx: Ctx, records: Iterable[ConflictRecord], target: StoredRow) -> None:
    """Conflict rows live in the scope of the row they are about (the people who work on it)."""
    for record in records:
        data = {**msgspec.to_builtins(record), "site": target.data["site"]}
        ctx.tx.put("conflict", record.id, data, target.scopes)


async def lock_conflicts(ctx: Ctx, records: Iterable[ConflictRecord]) -> None:
    for record in records:
        await ctx.tx.lock("conflict", record.id)
