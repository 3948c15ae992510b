"""Meter steps (resets and dips) and what an occurrence means today (overdue, done late…)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.meters.rules import MeterStep, meter_step, valid_reading
from backend.domain.pm.rules import OccurrenceState, Tally, occurrence_state

DUE = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
GRACE = DUE + timedelta(days=2)


def test_the_first_reading_counts_everything_the_meter_shows() -> None:
    assert meter_step(None, 1234.5) == MeterStep(1234.5, False)


def test_a_rising_reading_adds_the_difference() -> None:
    assert meter_step(100.0, 112.5) == MeterStep(12.5, False)


def test_a_drop_to_below_half_is_a_reset_that_counts_the_new_value() -> None:
    assert meter_step(1000.0, 3.0) == MeterStep(3.0, True)


def test_a_small_dip_is_no_reset_and_adds_nothing() -> None:
    assert meter_step(1000.0, 999.0) == MeterStep(0.0, False, backwards=True)


@pytest.mark.parametrize(("value", "ok"), [(0.0, True), (5.0, True), (-1.0, False), (float("nan"), False)])
def test_readings_must_be_finite_and_not_negative(value: float, ok: bool) -> None:
    assert (valid_reading(value) is None) is ok


@pytest.mark.parametrize(
    ("status", "wo_status", "completed", "now", "expected"),
    [
        ("pending", None, None, DUE, OccurrenceState.PENDING),
        ("skipped", None, None, DUE, OccurrenceState.SKIPPED),
        ("generated", "open", None, GRACE, OccurrenceState.OPEN),
        ("generated", "in_progress", None, GRACE + timedelta(seconds=1), OccurrenceState.OVERDUE),
        ("generated", "done", GRACE, GRACE + timedelta(days=9), OccurrenceState.DONE),
        ("generated", "verified", GRACE + timedelta(seconds=1), GRACE, OccurrenceState.DONE_LATE),
        ("generated", "cancelled", None, GRACE + timedelta(days=9), OccurrenceState.CANCELLED),
        ("generated", None, None, GRACE, OccurrenceState.CANCELLED),
    ],
)
def test_an_occurrence_state_follows_its_work_order_and_the_grace_period(
    status: str, wo_status: str | None, completed: datetime | None, now: datetime, expected: OccurrenceState
) -> None:
    assert occurrence_state(status, wo_status, completed, GRACE, now) is expected


def test_compliance_is_on_time_over_decided_and_undefined_without_any() -> None:
    tally = Tally()
    assert tally.compliance is None
    for state in (
        OccurrenceState.DONE,
        OccurrenceState.DONE,
        OccurrenceState.DONE_LATE,
        OccurrenceState.OVERDUE,
        OccurrenceState.OPEN,
        OccurrenceState.CANCELLED,
        OccurrenceState.SKIPPED,
    ):
        tally.add(state)
    assert (tally.decided, tally.compliance) == (4, 0.5)
