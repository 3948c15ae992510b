"""Pure production and quality rules: state machines, BOM balance, due samples, Pareto."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.production.rules import (
    OPERATION_TRANSITIONS,
    ORDER_TRANSITIONS,
    BomNeed,
    OperationStatus,
    OrderStatus,
    balance,
    check_operation_transition,
    check_order_transition,
    completion_warnings,
    consumption_warnings,
    shortage_warnings,
)
from backend.domain.quality.rules import Frequency, due_count, next_slot, pareto, running_minutes, slot_state
from backend.lib.errors import IllegalTransition

LEGAL_ORDER_MOVES = {
    ("planned", "released"),
    ("planned", "cancelled"),
    ("released", "running"),
    ("released", "cancelled"),
    ("running", "paused"),
    ("running", "completed"),
    ("running", "cancelled"),
    ("paused", "running"),
    ("paused", "cancelled"),
    ("completed", "closed"),
}


@pytest.mark.parametrize("current", list(OrderStatus))
@pytest.mark.parametrize("wanted", list(OrderStatus))
def test_order_moves_are_exactly_the_documented_ones(current: OrderStatus, wanted: OrderStatus) -> None:
    if (current.value, wanted.value) in LEGAL_ORDER_MOVES:
        check_order_transition(current.value, wanted)
    else:
        with pytest.raises(IllegalTransition) as err:
            check_order_transition(current.value, wanted)
        assert err.value.extra == {"current": current.value, "wanted": wanted.value}


def test_closed_and_cancelled_orders_are_final() -> None:
    assert ORDER_TRANSITIONS[OrderStatus.CLOSED] == ORDER_TRANSITIONS[OrderStatus.CANCELLED] == frozenset()


def test_an_operation_runs_pending_running_paused_running_completed() -> None:
    path = ["pending", "running", "paused", "running", "completed"]
    for current, wanted in itertools.pairwise(path):
        check_operation_transition(current, OperationStatus(wanted))
    assert OPERATION_TRANSITIONS[OperationStatus.COMPLETED] == frozenset()


def test_a_paused_operation_resumes_before_it_completes() -> None:
    with pytest.raises(IllegalTransition):
        check_operation_transition("paused", OperationStatus.COMPLETED)


A, B = uuid.UUID(int=1), uuid.UUID(int=2)
NEEDS = [BomNeed(A, "HOUSING", 1.0), BomNeed(B, "SEAL", 2.0)]


def test_the_bom_balance_expects_qty_per_unit_times_produced() -> None:
    lines = balance(NEEDS, {A: 10.0, B: 15.0}, 10)
    assert [(ln.sku, ln.expected, ln.consumed, ln.difference) for ln in lines] == [
        ("HOUSING", 10.0, 10.0, 0.0),
        ("SEAL", 20.0, 15.0, -5.0),
    ]
    assert [w.sku for w in completion_warnings(lines, 10)] == ["SEAL"]


def test_material_consumed_ahead_of_production_is_not_a_shortage() -> None:
    lines = balance(NEEDS, {A: 10.0, B: 20.0}, 4)
    assert shortage_warnings(lines, 4) == []
    assert [w.code for w in completion_warnings(lines, 4)] == ["bom_mismatch", "bom_mismatch"]


def test_consuming_more_than_the_whole_order_needs_warns() -> None:
    lines = balance(NEEDS, {B: 25.0}, 0)
    assert [w.code for w in consumption_warnings(lines, 10, "SEAL", True, 25.0)] == ["over_consumption"]
    assert consumption_warnings(lines, 20, "SEAL", True, 25.0) == []


@given(st.floats(0.001, 100), st.integers(0, 10_000))
def test_exactly_the_bom_quantity_never_warns(qty_per_unit: float, produced: int) -> None:
    need = [BomNeed(A, "X", qty_per_unit)]
    lines = balance(need, {A: qty_per_unit * produced}, produced)
    assert completion_warnings(lines, produced) == shortage_warnings(lines, produced) == []


@pytest.mark.parametrize(
    ("frequency", "n", "produced", "minutes", "due"),
    [
        (Frequency.FIRST_ARTICLE, None, 0, 0.0, 1),
        (Frequency.FIRST_ARTICLE, None, 500, 90.0, 1),
        (Frequency.EVERY_N_UNITS, 50, 0, 0.0, 0),
        (Frequency.EVERY_N_UNITS, 50, 1, 0.0, 1),
        (Frequency.EVERY_N_UNITS, 50, 50, 0.0, 1),
        (Frequency.EVERY_N_UNITS, 50, 51, 0.0, 2),
        (Frequency.EVERY_N_MINUTES, 30, 0, 0.0, 1),
        (Frequency.EVERY_N_MINUTES, 30, 0, 29.9, 1),
        (Frequency.EVERY_N_MINUTES, 30, 0, 30.0, 2),
    ],
)
def test_samples_fall_due_by_frequency(
    frequency: Frequency, n: int | None, produced: int, minutes: float, due: int
) -> None:
    assert due_count(frequency, n, produced, minutes) == due


def test_running_minutes_leave_out_pauses() -> None:
    t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    pauses = [(t0 + timedelta(minutes=10), t0 + timedelta(minutes=25)), (t0 + timedelta(minutes=50), None)]
    assert running_minutes(t0, t0 + timedelta(minutes=60), pauses) == 35.0


def test_a_failed_slot_is_refilled_before_new_slots() -> None:
    latest = {1: True, 2: False}
    assert slot_state(3, latest).failed_slots == (2,)
    assert slot_state(3, latest).missing_slots == (3,)
    assert next_slot(3, latest) == 2
    assert next_slot(2, {1: True, 2: True}) == 3


def test_pareto_orders_by_count_and_accumulates_to_100() -> None:
    rows = pareto({"SCRATCH": 2, "DENT": 7, "BURR": 3, "NONE": 0})
    assert [(r.code, r.count) for r in rows] == [("DENT", 7), ("BURR", 3), ("SCRATCH", 2)]
    assert [round(r.cumulative_percent, 2) for r in rows] == [58.33, 83.33, 100.0]


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(1, 1000), min_size=1))
def test_pareto_is_sorted_and_its_cumulative_share_ends_at_100(counts: dict[str, int]) -> None:
    rows = pareto(counts)
    assert [r.count for r in rows] == sorted(counts.values(), reverse=True)
    assert rows[-1].cumulative_percent == pytest.approx(100.0)
