"""The client side of the protocol as plain state machines (no I/O): the outbox and the replica.

The PWA implements the same rules in TypeScript; the simulation's devices run these.

Outbox (durable): numbers mutations 1, 2, 3… in the same local transaction that records them,
sends the oldest ones without a known result, and forgets an entry only once it has its result
(from a push answer, possibly as a `duplicate` carrying the original outcome). A pull's
`last_mutation_id` confirms that an entry's effects are in the server state (its optimistic
overlay can go), but a confirmed entry is still re-pushed until its result is known, so a
rejection is always shown.

Replica (durable rows + cursor + last_mutation_id; volatile staging): pages are staged and only
revealed, all at once, when a page says `has_more = false`; a page with `reset = true` discards
whatever was staged before it; a `Clear` drops everything before it (staged or revealed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sync import codec
from sync.messages import Clear, Del, MutationEnvelope, MutationResult, PatchOp, PullResponse, Put
from sync.scope import ScopeDiff, scope_diff
from sync.store import RowKey

Outcome = Literal["applied", "rejected", "unknown"]


def outcome_of(result: MutationResult) -> Outcome:
    if result.status == "duplicate":
        return result.original or "unknown"
    return result.status


class Outbox:
    def __init__(self) -> None:
        self.next_id = 1
        self.pending: dict[int, MutationEnvelope] = {}
        """Queued entries without a known result, ascending ids."""
        self.results: dict[int, MutationResult] = {}
        self.confirmed_upto = 0

    def enqueue(
        self, name: str, version: int, args: Any, client_ts: datetime | None = None
    ) -> MutationEnvelope:
        envelope = MutationEnvelope(
            id=self.next_id, name=name, version=version, args=codec.encode_args(args), client_ts=client_ts
        )
        self.pending[envelope.id] = envelope
        self.next_id += 1
        return envelope

    def batch(self, limit: int) -> list[MutationEnvelope]:
        return [self.pending[i] for i in sorted(self.pending)[:limit]]

    def on_results(self, results: list[MutationResult]) -> None:
        for result in results:
            if self.pending.pop(result.id, None) is not None or result.id not in self.results:
                self.results[result.id] = result

    def confirm(self, last_mutation_id: int) -> None:
        self.confirmed_upto = max(self.confirmed_upto, last_mutation_id)

    def overlay(self) -> list[MutationEnvelope]:
        """Entries whose effects the revealed server state does not include yet."""
        return [e for i, e in sorted(self.pending.items()) if i > self.confirmed_upto]

    def lost(self, expected: int) -> bool:
        """A 409 expecting a mutation this device already forgot: the server lost acknowledged work."""
        return expected < self.next_id and expected not in self.pending

    def outcome(self, mutation_id: int) -> Outcome | None:
        result = self.results.get(mutation_id)
        return None if result is None else outcome_of(result)


@dataclass(frozen=True, slots=True)
class Reveal:
    diff: ScopeDiff
    last_mutation_id: int
    replaced: bool


@dataclass
class Replica:
    rows: dict[RowKey, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    cursor: str | None = None
    last_mutation_id: int = 0
    staged: list[PatchOp] = field(default_factory=list)
    staged_cursor: str | None = None
    staging: bool = False

    def next_cursor(self) -> str | None:
        return self.staged_cursor if self.staging else self.cursor

    def receive(self, response: PullResponse) -> Reveal | None:
        """Stage one page; reveal the whole sequence when it is the last one."""
        if response.reset:
            self.staged = []
        self.staged.extend(response.ops)
        self.staged_cursor = response.cursor
        self.staging = True
        if response.has_more:
            return None
        return self._reveal(response.last_mutation_id)

    def drop_staging(self) -> None:
        """What a crash (or a 410) does to pages not yet revealed."""
        self.staged = []
        self.staged_cursor = None
        self.staging = False

    def forget_cursor(self) -> None:
        self.cursor = None
        self.drop_staging()

    def _reveal(self, last_mutation_id: int) -> Reveal:
        ops = self.staged
        clear_at = max((i for i, op in enumerate(ops) if isinstance(op, Clear)), default=-1)
        rows = {} if clear_at >= 0 else dict(self.rows)
        for op in ops[clear_at + 1 :]:
            if isinstance(op, Put):
                rows[(op.entity, op.id)] = (op.version, op.data)
            elif isinstance(op, Del):
                rows.pop((op.entity, op.id), None)
        diff = scope_diff(self.rows, rows)
        self.rows = rows
        self.cursor = self.staged_cursor
        self.last_mutation_id = last_mutation_id
        self.drop_staging()
        return Reveal(diff, last_mutation_id, clear_at >= 0)
