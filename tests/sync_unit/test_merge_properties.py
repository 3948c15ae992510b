"""Properties of the per-field merge, over generated field states and edits."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.merge import (
    LWW,
    SURFACE,
    Decision,
    EntityPolicy,
    FieldEdit,
    FieldPolicy,
    FieldState,
    OrderedStates,
    Writer,
    apply_outcome,
    is_concurrent,
    json_equal,
    merge_field,
    merge_row,
    ruled,
)

PROPERTY = settings(max_examples=60, deadline=None)

CLIENTS = ("dev-a", "dev-b", "dev-c")
ROW_VERSION = 10
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "x", "y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
    max_leaves=4,
)
writers = st.none() | st.builds(Writer, st.sampled_from(CLIENTS), st.integers(1, 5))
server_states = st.builds(FieldState, json_values, st.integers(0, ROW_VERSION), writers)
edits = st.builds(FieldEdit, json_values, st.integers(0, ROW_VERSION))
clients = st.sampled_from(CLIENTS)


def decide(server: FieldState, edit: FieldEdit, client: str, policy: FieldPolicy = SURFACE) -> Any:
    return merge_field(
        entity="workorder",
        entity_id="wo-1",
        name="reading",
        policy=policy,
        server=server,
        edit=edit,
        row_version=ROW_VERSION,
        client_id=client,
        mutation_id=7,
    )


@PROPERTY
@given(server_states, edits, clients)
def test_a_conflict_is_recorded_iff_a_concurrent_edit_differs_on_a_surfaced_field(
    server: FieldState, edit: FieldEdit, client: str
) -> None:
    concurrent = server.version > edit.base_version and (
        server.writer is None or server.writer.client_id != client
    )
    expected = concurrent and not json_equal(server.value, edit.value)
    assert (decide(server, edit, client).conflict is not None) == expected


@PROPERTY
@given(server_states, edits, clients)
def test_a_surfaced_conflict_keeps_the_server_value_and_records_the_clients(
    server: FieldState, edit: FieldEdit, client: str
) -> None:
    decision = decide(server, edit, client)
    if decision.conflict is not None:
        assert decision.value == server.value
        assert decision.conflict.client_value == edit.value


@PROPERTY
@given(server_states, edits, clients)
def test_last_writer_wins_never_records_a_conflict(server: FieldState, edit: FieldEdit, client: str) -> None:
    assert decide(server, edit, client, LWW).decision in {Decision.APPLIED, Decision.NOOP}


@PROPERTY
@given(server_states, edits, clients)
def test_merging_an_edit_that_was_applied_again_is_a_noop(
    server: FieldState, edit: FieldEdit, client: str
) -> None:
    first = decide(server, edit, client, LWW)
    after = (
        FieldState(first.value, ROW_VERSION, Writer(client, 7))
        if first.decision is Decision.APPLIED
        else server
    )
    assert decide(after, edit, client).decision is Decision.NOOP


@PROPERTY
@given(server_states, edits, st.integers(1, 5))
def test_a_devices_own_latest_write_never_conflicts_with_its_next_edit(
    server: FieldState, edit: FieldEdit, mutation: int
) -> None:
    own = FieldState(server.value, server.version, Writer("dev-a", mutation))
    assert decide(own, edit, "dev-a").decision in {Decision.APPLIED, Decision.NOOP}


@PROPERTY
@given(server_states, edits, clients)
def test_concurrency_is_judged_by_versions_and_writer_only(
    server: FieldState, edit: FieldEdit, client: str
) -> None:
    assert decide(server, edit, client).concurrent == is_concurrent(server, edit, client)


def replay(
    policy: EntityPolicy,
    fields: dict[str, FieldState],
    version: int,
    edits: list[tuple[str, dict[str, FieldEdit]]],
) -> dict[str, Any]:
    for mutation, (client, changes) in enumerate(edits, start=1):
        outcome = merge_row(
            policy,
            entity_id="wo-1",
            fields=fields,
            edits=changes,
            row_version=version,
            client_id=client,
            mutation_id=mutation,
        )
        if outcome.applied:
            version += 1
            fields = apply_outcome(fields, outcome, new_version=version, writer=Writer(client, mutation))
    return {name: state.value for name, state in fields.items()}


@PROPERTY
@given(json_values, json_values, json_values, json_values)
def test_edits_of_different_fields_commute(old_a: Any, old_b: Any, new_a: Any, new_b: Any) -> None:
    policy = EntityPolicy("workorder")
    fields = {"reading": FieldState(old_a, 1), "notes": FieldState(old_b, 2)}
    first = ("dev-a", {"reading": FieldEdit(new_a, 2)})
    second = ("dev-b", {"notes": FieldEdit(new_b, 2)})
    assert replay(policy, fields, 2, [first, second]) == replay(policy, fields, 2, [second, first])


STATES = OrderedStates(
    ("open", "in_progress", "on_hold", "done_pending"), frozenset({"completed", "cancelled"})
)


@PROPERTY
@given(st.data())
def test_concurrent_moves_between_non_terminal_states_end_the_same_in_either_order(
    data: st.DataObject,
) -> None:
    start = data.draw(st.sampled_from(STATES.order))
    others = [s for s in STATES.order if s != start]
    to_a, to_b = data.draw(st.sampled_from(others)), data.draw(st.sampled_from(others))
    policy = EntityPolicy("workorder", {"status": ruled(STATES)})
    fields = {"status": FieldState(start, 1)}
    first = ("dev-a", {"status": FieldEdit(to_a, 1)})
    second = ("dev-b", {"status": FieldEdit(to_b, 1)})
    assert replay(policy, fields, 1, [first, second]) == replay(policy, fields, 1, [second, first])


@PROPERTY
@given(st.sampled_from(sorted(STATES.terminal)), st.sampled_from(STATES.order), clients)
def test_a_terminal_state_is_never_silently_overwritten(terminal: str, other: str, client: str) -> None:
    server = FieldState(terminal, 5, Writer("dev-z", 1))
    decision = decide(server, FieldEdit(other, 1), client, ruled(STATES))
    assert decision.decision is Decision.CONFLICT


@PROPERTY
@given(json_values)
def test_json_equality_is_reflexive(value: Any) -> None:
    assert json_equal(value, value)


@PROPERTY
@given(json_values, json_values)
def test_json_equality_is_symmetric(a: Any, b: Any) -> None:
    assert json_equal(a, b) == json_equal(b, a)
