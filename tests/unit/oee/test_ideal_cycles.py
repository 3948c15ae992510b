"""The ideal cycle time over time: the routing of the order that ran, else the machine default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.oee.providers import DEFAULT, ROUTING, cut_runs

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
M = timedelta(minutes=1)


def test_an_order_started_mid_shift_changes_the_ideal_cycle_from_its_start() -> None:
    cycles = cut_runs([(T0 + 30 * M, None, 4.5)], T0 + 480 * M, 6.0)
    assert cycles.at(T0 + 10 * M) == (6.0, DEFAULT)
    assert cycles.at(T0 + 30 * M) == (4.5, ROUTING)
    assert [(s.start, s.end, s.ideal) for s in cycles.spans(T0, T0 + 60 * M)] == [
        (T0, T0 + 30 * M, 6.0),
        (T0 + 30 * M, T0 + 60 * M, 4.5),
    ]


def test_a_later_run_cuts_the_one_before_it() -> None:
    cycles = cut_runs([(T0, T0 + 60 * M, 4.5), (T0 + 20 * M, T0 + 40 * M, 3.0)], T0 + 480 * M, None)
    assert cycles.at(T0 + 30 * M) == (3.0, ROUTING)
    assert cycles.at(T0 + 50 * M) == (None, "none configured")


def test_without_runs_or_default_nothing_is_configured() -> None:
    cycles = cut_runs([], T0 + 60 * M, None)
    [span] = cycles.spans(T0, T0 + 60 * M)
    assert (span.ideal, span.source) == (None, "none configured")


runs = st.lists(
    st.tuples(
        st.integers(0, 500),
        st.one_of(st.none(), st.integers(1, 200)),
        st.sampled_from([2.0, 4.5, 6.0]),
    ),
    max_size=8,
)


@given(runs, st.integers(0, 400), st.integers(1, 300), st.sampled_from([None, 5.0]))
def test_spans_cover_the_window_exactly_and_agree_with_the_ideal_at_each_instant(
    raw: list[tuple[int, int | None, float]], start: int, length: int, default: float | None
) -> None:
    cycles = cut_runs(
        [(T0 + a * M, None if d is None else T0 + (a + d) * M, ideal) for a, d, ideal in raw],
        T0 + 900 * M,
        default,
    )
    window = (T0 + start * M, T0 + (start + length) * M)
    spans = cycles.spans(*window)
    assert spans[0].start == window[0]
    assert spans[-1].end == window[1]
    for before, after in pairwise(spans):
        assert before.end == after.start
    for span in spans:
        assert span.start < span.end
        for t in (span.start, span.end - timedelta(seconds=1)):
            assert cycles.at(t) == (span.ideal, span.source)
