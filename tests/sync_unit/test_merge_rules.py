"""Per-field merge: declared policies, versions, conflict records and their resolution."""

from __future__ import annotations

import pytest

from sync.errors import BaseVersionFromFuture
from sync.merge import (
    LWW,
    ConflictRecord,
    Decision,
    EntityPolicy,
    FieldEdit,
    FieldPolicy,
    FieldState,
    Policy,
    Writer,
    apply_outcome,
    conflict_id,
    merge_field,
    merge_row,
    resolution_edit,
)

A, B = "dev-a", "dev-b"


def merge(server: FieldState, edit: FieldEdit, *, policy: FieldPolicy = LWW, client: str = B) -> Decision:
    decision = merge_field(
        entity="workorder",
        entity_id="wo-1",
        name="reading",
        policy=policy,
        server=server,
        edit=edit,
        row_version=10,
        client_id=client,
        mutation_id=3,
    )
    return decision.decision


def test_a_rule_policy_needs_a_rule() -> None:
    with pytest.raises(ValueError, match="rule"):
        FieldPolicy(Policy.RULE)


def test_only_a_rule_policy_takes_a_rule() -> None:
    with pytest.raises(ValueError, match="rule"):
        FieldPolicy(Policy.LWW, rule=lambda s, c: None)  # type: ignore[arg-type,return-value]


def test_fields_not_declared_are_surfaced() -> None:
    assert EntityPolicy("workorder", {"notes": LWW}).policy_for("signature").kind is Policy.SURFACE


def test_a_base_version_beyond_the_row_refuses_the_mutation() -> None:
    with pytest.raises(BaseVersionFromFuture):
        merge(FieldState(1, 2, Writer(A, 1)), FieldEdit(5, 11))


def test_applied_fields_take_the_new_row_version_and_the_writer() -> None:
    fields = {"reading": FieldState(1, 2, Writer(A, 1)), "notes": FieldState("x", 1)}
    outcome = merge_row(
        EntityPolicy("workorder"),
        entity_id="wo-1",
        fields=fields,
        edits={"reading": FieldEdit(5, 2)},
        row_version=2,
        client_id=B,
        mutation_id=9,
    )
    after = apply_outcome(fields, outcome, new_version=3, writer=Writer(B, 9))
    assert after == {"reading": FieldState(5, 3, Writer(B, 9)), "notes": FieldState("x", 1)}


def test_conflict_ids_are_the_same_for_the_same_edit() -> None:
    assert conflict_id(B, 3, "workorder", "wo-1", "reading") == conflict_id(
        B, 3, "workorder", "wo-1", "reading"
    )


def test_conflict_ids_differ_per_field() -> None:
    assert conflict_id(B, 3, "workorder", "wo-1", "reading") != conflict_id(
        B, 3, "workorder", "wo-1", "notes"
    )


def conflict() -> ConflictRecord:
    return ConflictRecord(
        id="c",
        entity="workorder",
        entity_id="wo-1",
        field="reading",
        server_value=5,
        client_value=9,
        base_version=2,
        server_version=4,
        client_id=B,
        mutation_id=3,
    )


def test_resolving_for_the_server_value_writes_nothing() -> None:
    assert resolution_edit(conflict(), "server") is None


def test_resolving_for_the_client_value_edits_from_the_recorded_server_version() -> None:
    assert resolution_edit(conflict(), "client") == FieldEdit(9, 4)


def test_resolving_with_a_new_value_edits_from_the_recorded_server_version() -> None:
    assert resolution_edit(conflict(), "value", 7) == FieldEdit(7, 4)


def test_a_resolution_made_after_the_field_moved_on_is_itself_surfaced() -> None:
    edit = resolution_edit(conflict(), "client")
    assert edit is not None
    moved_on = FieldState(6, 5, Writer(A, 8))
    assert merge(moved_on, edit, policy=FieldPolicy(Policy.SURFACE), client="dev-c") is Decision.CONFLICT
