"""The worked example of docs/oee.md, figure by figure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from backend.domain.oee.buckets import Change, classify
from backend.domain.oee.calendar import Shift, planned_time, shift_instances
from backend.domain.oee.rules import Counts, MicroStopPolicy, compute

DAY = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return DAY + timedelta(hours=hh, minutes=mm, seconds=ss)


# Early shift 06:00-14:00 with a 30-minute break at 10:00; a 30-minute PM window at 13:30.
SHIFT = Shift("Early", frozenset({0, 1, 2, 3, 4}), time(6, 0), 8.0, ((240.0, 30.0),))
WINDOW = (at(6, 0), at(14, 0))
PM_WINDOW = (at(13, 30), at(14, 0))

# Running from 06:00; five 60 s micro-stops; one 40-minute stop (bearing) at 08:00.
CHANGES = [Change(at(6, 0), "running")]
for i in range(5):
    CHANGES += [Change(at(7, 10 * i), "stopped"), Change(at(7, 10 * i, 60), "running")]
CHANGES += [Change(at(8, 0), "stopped"), Change(at(8, 40), "running")]


def _buckets():
    planned = planned_time(shift_instances([SHIFT], "UTC", WINDOW), WINDOW, [PM_WINDOW])
    return classify(CHANGES, WINDOW, planned, 120.0, at(14, 0), {at(8, 0): "machine: bearing"})


def test_planned_production_time_is_shift_less_break_less_pm_window() -> None:
    assert _buckets().planned == 420 * 60


def test_time_splits_into_running_micro_stops_and_downtime() -> None:
    b = _buckets()
    assert (b.running, b.micro_stops, b.downtime, b.unknown) == (375 * 60, 300, 40 * 60, 0)
    assert b.downtime_by_reason == {"machine: bearing": 2400}


def test_six_big_losses_policy_figures() -> None:
    f = compute(_buckets(), Counts(good=3430, scrap=70), 6.0, MicroStopPolicy.PERFORMANCE)
    assert f.run_time_s == 22800
    assert f.availability == pytest.approx(380 / 420)
    assert f.performance == pytest.approx(21000 / 22800)
    assert f.quality == pytest.approx(0.98)
    assert f.oee == pytest.approx(20580 / 25200)
    assert f.loss_tree == {
        "downtime:machine: bearing": 2400,
        "unknown": 0,
        "micro_stops": 300,
        "speed": 1500,
        "scrap": 420,
    }


def test_iso_delay_policy_moves_micro_stops_into_availability() -> None:
    f = compute(_buckets(), Counts(good=3430, scrap=70), 6.0, MicroStopPolicy.AVAILABILITY)
    assert f.run_time_s == 22500
    assert f.availability == pytest.approx(375 / 420)
    assert f.performance == pytest.approx(21000 / 22500)
    assert f.oee == pytest.approx(20580 / 25200)


def test_a_non_working_day_has_no_planned_time() -> None:
    assert shift_instances([SHIFT], "UTC", WINDOW, [date(2026, 3, 2)]) == []


def test_a_stop_still_going_on_below_the_threshold_is_not_a_micro_stop_yet() -> None:
    changes = [Change(at(6, 0), "running"), Change(at(6, 59), "stopped")]
    planned = [(at(6, 0), at(7, 0))]
    b = classify(changes, (at(6, 0), at(7, 0)), planned, 120.0, at(7, 0), {})
    assert b.micro_stops == 0
    assert b.downtime_by_reason == {"ongoing (not yet classified)": 60}


def test_no_data_is_unknown_and_not_run_time() -> None:
    planned = [(at(6, 0), at(7, 0))]
    b = classify([Change(at(6, 30), "running")], (at(6, 0), at(7, 0)), planned, 120.0, at(7, 0), {})
    assert (b.unknown, b.running) == (1800, 1800)


def test_a_night_shift_crosses_midnight_in_the_sites_time_zone() -> None:
    night = Shift("Night", frozenset({0}), time(22, 0), 8.0)
    inst = shift_instances([night], "Europe/Berlin", (DAY, DAY + timedelta(days=1)))
    assert [(i.start, i.end) for i in inst] == [(at(21, 0), at(21, 0) + timedelta(hours=8))]
