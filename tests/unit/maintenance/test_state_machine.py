"""The work-order status graph: legal edges, illegal ones named, terminal states stay terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.maintenance.rules import (
    TERMINAL,
    TRANSITIONS,
    Status,
    action_name,
    check_transition,
    roles_for,
)
from backend.domain.people.roles import Role
from backend.lib.errors import IllegalTransition

LEGAL = {
    ("requested", "open"),
    ("requested", "rejected"),
    ("requested", "cancelled"),
    ("open", "assigned"),
    ("open", "cancelled"),
    ("assigned", "open"),
    ("assigned", "in_progress"),
    ("assigned", "cancelled"),
    ("in_progress", "on_hold"),
    ("in_progress", "done"),
    ("in_progress", "cancelled"),
    ("on_hold", "in_progress"),
    ("on_hold", "cancelled"),
    ("done", "verified"),
}
STATES = [s.value for s in Status]


def test_the_graph_has_exactly_the_documented_edges() -> None:
    edges = {(a.value, b.value) for a, nxt in TRANSITIONS.items() for b in nxt}
    assert edges == LEGAL


def test_terminal_states_are_verified_cancelled_and_rejected() -> None:
    assert {s.value for s in TERMINAL} == {"verified", "cancelled", "rejected"}


@pytest.mark.parametrize(("current", "wanted"), sorted(LEGAL))
def test_every_legal_edge_is_accepted(current: str, wanted: str) -> None:
    assert check_transition(current, wanted) == Status(wanted)


def test_an_illegal_edge_names_the_current_and_the_wanted_state() -> None:
    with pytest.raises(IllegalTransition) as err:
        check_transition("open", "done")
    assert err.value.extra == {"current": "open", "wanted": "done"}
    assert "'open'" in err.value.detail
    assert "'done'" in err.value.detail


def test_an_unknown_state_is_an_illegal_transition() -> None:
    with pytest.raises(IllegalTransition):
        check_transition("open", "flying")


@given(st.lists(st.sampled_from(STATES), max_size=40))
def test_no_sequence_of_requests_leaves_the_graph(wanted: list[str]) -> None:
    current = Status.REQUESTED
    for target in wanted:
        try:
            nxt = check_transition(current.value, target)
        except IllegalTransition:
            assert (current.value, target) not in LEGAL
            continue
        assert (current.value, nxt.value) in LEGAL
        current = nxt
    assert current in set(Status)


@given(st.sampled_from(sorted(TERMINAL)), st.lists(st.sampled_from(STATES), min_size=1, max_size=20))
def test_terminal_states_stay_terminal(terminal: Status, wanted: list[str]) -> None:
    for target in wanted:
        with pytest.raises(IllegalTransition):
            check_transition(terminal.value, target)


def test_every_state_is_reachable_from_a_request() -> None:
    seen, todo = {Status.REQUESTED}, [Status.REQUESTED]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(Status)


def test_technicians_execute_and_planners_decide() -> None:
    for target in (Status.IN_PROGRESS, Status.ON_HOLD, Status.DONE):
        assert Role.TECHNICIAN in roles_for(target)
    for target in (Status.OPEN, Status.REJECTED, Status.VERIFIED, Status.CANCELLED):
        assert Role.TECHNICIAN not in roles_for(target)
        assert Role.PLANNER in roles_for(target)
        assert Role.OPERATOR not in roles_for(target)


def test_resume_and_start_are_told_apart() -> None:
    assert action_name(Status.ON_HOLD, Status.IN_PROGRESS) == "resume"
    assert action_name(Status.ASSIGNED, Status.IN_PROGRESS) == "start"
