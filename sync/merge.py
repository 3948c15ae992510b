"""Per-field merge of an offline edit into the server's row, with declared policies per field.

An edit carries, per field, the new `value` and the `base_version`: the version of the row the
device was looking at when the user made the edit. Each server row keeps, per field, the row
version that last wrote it and the device mutation that wrote it (`FieldState`). For one field:

1. `base_version` beyond the row's version → the mutation is refused (`BaseVersionFromFuture`).
2. equal values (JSON equality) → nothing to do (`noop`).
3. not concurrent → apply. The edit is concurrent when the field was written after the base
   (`field.version > base_version`) by someone else than this device; a device's own earlier
   mutation never conflicts with its later ones (its view already showed that value).
4. concurrent → the field's policy: `LWW` applies it (server order: this edit is the later one);
   `RULE` asks a business rule; `SURFACE` keeps the server value and emits a `ConflictRecord`.

Fields not declared in an `EntityPolicy` get `SURFACE`: last-writer-wins is opt-in, per field.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Literal

import msgspec

from sync.errors import BaseVersionFromFuture


class Policy(enum.StrEnum):
    LWW = "lww"
    RULE = "rule"
    SURFACE = "surface"


class RuleDecision(enum.StrEnum):
    TAKE_CLIENT = "take_client"
    KEEP_SERVER = "keep_server"
    """Keep the server value without a conflict record (the client's intent is subsumed)."""
    SURFACE = "surface"


Rule = Callable[[Any, Any], RuleDecision]
"""A business rule for a concurrent edit: (server_value, client_value) → decision."""


@dataclass(frozen=True, slots=True)
class FieldPolicy:
    kind: Policy
    rule: Rule | None = None

    def __post_init__(self) -> None:
        if (self.kind is Policy.RULE) != (self.rule is not None):
            raise ValueError("a RULE policy needs a rule, and only a RULE policy has one")


LWW: Final = FieldPolicy(Policy.LWW)
SURFACE: Final = FieldPolicy(Policy.SURFACE)


def ruled(rule: Rule) -> FieldPolicy:
    return FieldPolicy(Policy.RULE, rule)


@dataclass(frozen=True, slots=True)
class EntityPolicy:
    entity: str
    fields: Mapping[str, FieldPolicy] = field(default_factory=dict)

    def policy_for(self, name: str) -> FieldPolicy:
        return self.fields.get(name, SURFACE)


@dataclass(frozen=True, slots=True)
class OrderedStates:
    """A rule for state fields: progress wins, terminal states are never silently overwritten.

    server terminal → surface; client terminal → take it; otherwise the state further along
    `order` wins (ties and a server further along keep the server). Values the rule does not know
    are surfaced. Between non-terminal states the outcome does not depend on arrival order.
    """

    order: tuple[str, ...]
    terminal: frozenset[str] = frozenset()

    def __call__(self, server_value: Any, client_value: Any) -> RuleDecision:
        known = set(self.order) | self.terminal
        if server_value not in known or client_value not in known:
            return RuleDecision.SURFACE
        if server_value in self.terminal:
            return RuleDecision.SURFACE
        if client_value in self.terminal:
            return RuleDecision.TAKE_CLIENT
        if self.order.index(client_value) > self.order.index(server_value):
            return RuleDecision.TAKE_CLIENT
        return RuleDecision.KEEP_SERVER


@dataclass(frozen=True, slots=True)
class Writer:
    client_id: str
    mutation_id: int


@dataclass(frozen=True, slots=True)
class FieldState:
    """A field on the server: value, the row version that wrote it, and who wrote it (None for
    writes that did not come from a device mutation: they count as someone else's)."""

    value: Any
    version: int = 0
    writer: Writer | None = None


class FieldEdit(msgspec.Struct, frozen=True):
    """Wire form of one field edit inside mutation arguments: `{"value": …, "base_version": n}`."""

    value: Any
    base_version: Annotated[int, msgspec.Meta(ge=0)]


CONFLICT_NAMESPACE: Final = uuid.UUID("6f0f6a51-1c5e-4c1b-9a55-5a7c0f1d2e3b")


def conflict_id(client_id: str, mutation_id: int, entity: str, entity_id: str, field_name: str) -> str:
    """Deterministic id (UUIDv5), so re-running a merge yields the same conflict row."""
    name = f"{client_id}:{mutation_id}:{entity}:{entity_id}:{field_name}"
    return str(uuid.uuid5(CONFLICT_NAMESPACE, name))


class ConflictRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A lost concurrent edit, kept for people to resolve; synced as entity `conflict`."""

    id: str
    entity: str
    entity_id: str
    field: str
    server_value: Any
    client_value: Any
    base_version: int
    server_version: int
    client_id: str
    mutation_id: int
    policy: Literal["surface", "rule"] = "surface"
    status: Literal["open", "resolved"] = "open"


class Decision(enum.StrEnum):
    APPLIED = "applied"
    NOOP = "noop"
    KEPT = "kept"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class FieldDecision:
    field: str
    decision: Decision
    value: Any
    """The field's value after the merge."""
    concurrent: bool
    conflict: ConflictRecord | None = None


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    decisions: dict[str, FieldDecision]

    @property
    def applied(self) -> dict[str, Any]:
        return {n: d.value for n, d in self.decisions.items() if d.decision is Decision.APPLIED}

    @property
    def conflicts(self) -> list[ConflictRecord]:
        return [d.conflict for d in self.decisions.values() if d.conflict is not None]

    @property
    def noops(self) -> list[str]:
        return [n for n, d in self.decisions.items() if d.decision is Decision.NOOP]

    @property
    def kept(self) -> list[str]:
        return [n for n, d in self.decisions.items() if d.decision is Decision.KEPT]


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values as both Python and JavaScript see them: `1 == 1.0`, `true != 1`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def is_concurrent(server: FieldState, edit: FieldEdit, client_id: str) -> bool:
    if server.version <= edit.base_version:
        return False
    return server.writer is None or server.writer.client_id != client_id


def merge_field(
    *,
    entity: str,
    entity_id: str,
    name: str,
    policy: FieldPolicy,
    server: FieldState,
    edit: FieldEdit,
    row_version: int,
    client_id: str,
    mutation_id: int,
) -> FieldDecision:
    if edit.base_version > row_version:
        raise BaseVersionFromFuture(name, edit.base_version, row_version)
    concurrent = is_concurrent(server, edit, client_id)
    if json_equal(server.value, edit.value):
        return FieldDecision(name, Decision.NOOP, server.value, concurrent)
    if not concurrent or policy.kind is Policy.LWW:
        return FieldDecision(name, Decision.APPLIED, edit.value, concurrent)
    if policy.kind is Policy.RULE:
        assert policy.rule is not None
        verdict = policy.rule(server.value, edit.value)
        if verdict is RuleDecision.TAKE_CLIENT:
            return FieldDecision(name, Decision.APPLIED, edit.value, concurrent)
        if verdict is RuleDecision.KEEP_SERVER:
            return FieldDecision(name, Decision.KEPT, server.value, concurrent)
    record = ConflictRecord(
        id=conflict_id(client_id, mutation_id, entity, entity_id, name),
        entity=entity,
        entity_id=entity_id,
        field=name,
        server_value=server.value,
        client_value=edit.value,
        base_version=edit.base_version,
        server_version=server.version,
        client_id=client_id,
        mutation_id=mutation_id,
        policy="rule" if policy.kind is Policy.RULE else "surface",
    )
    return FieldDecision(name, Decision.CONFLICT, server.value, concurrent, record)


def merge_row(
    policy: EntityPolicy,
    *,
    entity_id: str,
    fields: Mapping[str, FieldState],
    edits: Mapping[str, FieldEdit],
    row_version: int,
    client_id: str,
    mutation_id: int,
) -> MergeOutcome:
    """Merge every edited field (in field-name order); fields the row lacks start empty."""
    decisions = {
        name: merge_field(
            entity=policy.entity,
            entity_id=entity_id,
            name=name,
            policy=policy.policy_for(name),
            server=fields.get(name, FieldState(None)),
            edit=edits[name],
            row_version=row_version,
            client_id=client_id,
            mutation_id=mutation_id,
        )
        for name in sorted(edits)
    }
    return MergeOutcome(decisions)


def apply_outcome(
    fields: Mapping[str, FieldState], outcome: MergeOutcome, *, new_version: int, writer: Writer
) -> dict[str, FieldState]:
    """The row's field states after the merge: applied fields take `new_version` and `writer`."""
    result = dict(fields)
    for name, value in outcome.applied.items():
        result[name] = FieldState(value, new_version, writer)
    return result


Choice = Literal["server", "client", "value"]


class ResolveArgs(msgspec.Struct, frozen=True, kw_only=True):
    """Arguments of `conflict.resolve@1`."""

    conflict_id: str
    choice: Choice
    value: Any = None


def resolution_edit(conflict: ConflictRecord, choice: Choice, value: Any = None) -> FieldEdit | None:
    """The field edit a resolution makes, merged like any edit, based on the field version the
    conflict recorded: if the field moved on since, the resolution itself becomes a new conflict.
    `server` writes nothing (the conflict is only closed)."""
    if choice == "server":
        return None
    chosen = conflict.client_value if choice == "client" else value
    return FieldEdit(chosen, conflict.server_version)
