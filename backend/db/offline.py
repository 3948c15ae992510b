"""What an offline mutator (a context's `mutators.py`) gets from the sync engine's transaction.

A mutator is the sync twin of a controller: it validates nothing itself (its arguments are
msgspec Structs) and calls the same service functions with the device's actor, in the session of
the mutation's transaction. `backend.replication` provides that transaction (`OfflineTx`),
binds the session to the actor's sites, turns the services' `DomainError`s into rejections and
database trouble into "retry later".

Per-field merge: `merge` compares a device's edit with the server's field (its value, the row
version that last wrote it and the device mutation that did) under the field's policy, and
stores a conflict record when the edit loses on a field that matters (`sync.merge`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.lib.clock import Clock, FixedClock
from backend.lib.errors import (
    Conflict,
    DomainError,
    Forbidden,
    IllegalTransition,
    NotFound,
    ValidationFailed,
)
from sync.errors import MutationRejected
from sync.merge import Decision, FieldDecision, FieldEdit, FieldPolicy, FieldState, merge_field
from sync.registry import MutationContext


class OfflineTx(Protocol):
    """The mutation's transaction, as mutators see it."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def clock(self) -> Clock: ...

    async def field_state(self, entity: str, row_id: str, field: str, value: Any) -> FieldState:
        """The field's merge state: `value` with the version and device mutation that wrote it."""
        ...

    async def add_conflict(
        self,
        decision: FieldDecision,
        *,
        site_id: uuid.UUID,
        people: Iterable[uuid.UUID],
    ) -> None:
        """Store the decision's conflict record, visible to `people` (and the site's planners)."""
        ...


Ctx = MutationContext[OfflineTx, Any]

_CODES: tuple[tuple[type[DomainError], str], ...] = (
    (IllegalTransition, "illegal_transition"),
    (NotFound, "not_found"),
    (Forbidden, "forbidden"),
    (ValidationFailed, "invalid"),
    (Conflict, "refused"),
)


def rejection_code(exc: DomainError) -> str:
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return "refused"


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal becomes the mutation's rejection, with the service's own words."""
    try:
        yield
    except DomainError as exc:
        raise MutationRejected(rejection_code(exc), exc.detail) from exc


def occurred_clock(ctx: Ctx, at: datetime | None) -> Clock:
    """A clock standing at the moment the device says the thing happened (its `at`, else the
    mutation's `client_ts`), never later than the server's now."""
    now = ctx.tx.clock.now()
    when = at or ctx.client_ts or now
    return FixedClock(min(when, now))


@dataclass(frozen=True)
class Target:
    """A merged field as it is on the server, read under a row lock."""

    value: Any
    row_version: int
    site_id: uuid.UUID
    people: tuple[uuid.UUID, ...] = ()


Reader = Callable[[Ctx, str], Awaitable[Target]]
Writer = Callable[[Ctx, str, Any], Awaitable[None]]


@dataclass(frozen=True)
class FieldRule:
    """How a merged field is read and written, so a conflict on it can be resolved later
    (`conflict.resolve@1`) through the context's own services."""

    entity: str
    field: str
    policy: FieldPolicy
    read: Reader
    write: Writer


async def merge(
    ctx: Ctx,
    *,
    entity: str,
    row_id: str,
    field: str,
    policy: FieldPolicy,
    target: Target,
    edit: FieldEdit,
) -> FieldDecision:
    """Merge one edited field; a lost edit on a surfaced field is stored as a conflict."""
    server = await ctx.tx.field_state(entity, row_id, field, target.value)
    decision = merge_field(
        entity=entity,
        entity_id=row_id,
        name=field,
        policy=policy,
        server=server,
        edit=edit,
        row_version=target.row_version,
        client_id=ctx.client_id,
        mutation_id=ctx.mutation_id,
    )
    if decision.decision is Decision.CONFLICT:
        await ctx.tx.add_conflict(decision, site_id=target.site_id, people=target.people)
    return decision


__all__ = [
    "Ctx",
    "FieldRule",
    "OfflineTx",
    "Target",
    "merge",
    "occurred_clock",
    "refusals",
    "rejection_code",
]
