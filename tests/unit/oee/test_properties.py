"""OEE arithmetic holds for any input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.oee.buckets import Change, classify
from backend.domain.oee.intervals import intersect, normalize, seconds, subtract
from backend.domain.oee.rules import Counts, MicroStopPolicy, TimeBuckets, compute

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _iv(pairs: list[tuple[int, int]]) -> list[tuple[datetime, datetime]]:
    return [(T0 + timedelta(seconds=min(a, b)), T0 + timedelta(seconds=max(a, b))) for a, b in pairs]


intervals = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=12).map(_iv)


@given(intervals, intervals)
def test_subtraction_and_intersection_partition_time(a: list, b: list) -> None:
    assert seconds(subtract(a, b)) + seconds(intersect(a, b)) == pytest.approx(seconds(normalize(a)))


@given(
    st.floats(1, 1e6),
    st.floats(0.001, 1),
    st.floats(0, 1),
    st.integers(0, 10_000),
    st.integers(0, 1_000),
    st.floats(0.1, 60),
    st.sampled_from(list(MicroStopPolicy)),
)
def test_oee_equals_ideal_time_of_good_units_over_planned_time(
    planned: float,
    run_share: float,
    micro_share: float,
    good: int,
    scrap: int,
    ideal: float,
    policy: MicroStopPolicy,
) -> None:
    running = planned * run_share
    micro = (planned - running) * micro_share
    buckets = TimeBuckets(
        planned=planned, running=running, micro_stops=micro, downtime=planned - running - micro, unknown=0
    )
    f = compute(buckets, Counts(good, scrap), ideal, policy)
    if f.oee is not None:
        assert f.oee == pytest.approx(ideal * good / planned)


@given(
    st.lists(st.tuples(st.integers(0, 3600), st.sampled_from(["running", "stopped", "unknown"])), max_size=20)
)
def test_every_planned_second_is_counted_once(raw: list[tuple[int, str]]) -> None:
    changes = sorted((Change(T0 + timedelta(seconds=s), state) for s, state in raw), key=lambda c: c.at)
    window = (T0, T0 + timedelta(hours=1))
    b = classify(changes, window, [window], 120.0, window[1], {})
    assert b.running + b.micro_stops + b.downtime + b.unknown == pytest.approx(b.planned)
