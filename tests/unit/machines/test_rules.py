"""Counter deltas and debounce."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.machines.rules import MachineState, StateEvent, counter_delta, debounce, state_of_run_bit

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_first_reading_only_sets_the_baseline() -> None:
    assert counter_delta(None, 500, 65535).delta == 0


def test_a_rising_counter_counts_the_difference() -> None:
    assert counter_delta(100, 130, 65535).delta == 30


def test_a_wrap_near_the_top_is_a_rollover() -> None:
    step = counter_delta(65530, 4, 65535)
    assert (step.delta, step.note) == (10, "rollover")


def test_a_drop_from_low_values_is_a_reset_counting_from_zero() -> None:
    step = counter_delta(1200, 7, 65535)
    assert (step.delta, step.note) == (7, "reset")


@given(st.integers(0, 65535), st.integers(0, 65535))
def test_deltas_are_never_negative(previous: int, current: int) -> None:
    assert counter_delta(previous, current, 65535).delta >= 0


def test_stale_or_bad_data_is_unknown_not_stopped() -> None:
    assert state_of_run_bit(None, "stale") is MachineState.UNKNOWN
    assert state_of_run_bit(False, "bad") is MachineState.UNKNOWN
    assert state_of_run_bit(False, "good") is MachineState.STOPPED


def _ev(seconds: float, state: MachineState) -> StateEvent:
    return StateEvent(T0 + timedelta(seconds=seconds), state)


def test_a_stop_shorter_than_the_debounce_never_happened() -> None:
    run, stop = MachineState.RUNNING, MachineState.STOPPED
    assert debounce([_ev(0, run), _ev(10, stop), _ev(11, run)], timedelta(seconds=2)) == [_ev(0, run)]


def test_a_stop_longer_than_the_debounce_stays() -> None:
    run, stop = MachineState.RUNNING, MachineState.STOPPED
    events = [_ev(0, run), _ev(10, stop), _ev(15, run)]
    assert debounce(events, timedelta(seconds=2)) == events


def test_communication_loss_is_never_debounced_away() -> None:
    run, unknown = MachineState.RUNNING, MachineState.UNKNOWN
    events = [_ev(0, run), _ev(10, unknown), _ev(10.5, run)]
    assert debounce(events, timedelta(seconds=2)) == events


@given(st.lists(st.tuples(st.floats(0, 1000), st.sampled_from(list(MachineState))), max_size=30))
def test_debounced_states_alternate(raw: list[tuple[float, MachineState]]) -> None:
    events = sorted((_ev(t, s) for t, s in raw), key=lambda e: e.at)
    out = debounce(events, timedelta(seconds=2))
    assert all(a.state is not b.state or a.fault_code != b.fault_code for a, b in itertools.pairwise(out))
