"""Calendar arithmetic of PM schedules: anchored month ends, local wall clock, monotonic due dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.pm.rules import IntervalUnit, first_index, minimum_interval, next_floating, shift

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata")
anchors = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))
units = st.sampled_from(list(IntervalUnit))
everies = st.integers(min_value=1, max_value=30)
zones = st.sampled_from(ZONES)


def test_monthly_due_dates_keep_the_anchor_day_and_clamp_to_short_months() -> None:
    jan_31 = datetime(2027, 1, 31, 6, 0, tzinfo=UTC)
    dues = [shift(jan_31, n, 1, IntervalUnit.MONTH, "UTC").date().isoformat() for n in range(4)]
    assert dues == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]


def test_a_leap_february_gets_the_29th() -> None:
    jan_31 = datetime(2028, 1, 31, 6, 0, tzinfo=UTC)
    assert shift(jan_31, 1, 1, IntervalUnit.MONTH, "UTC") == datetime(2028, 2, 29, 6, 0, tzinfo=UTC)


def test_a_daily_schedule_keeps_the_local_hour_across_daylight_saving() -> None:
    six_in_berlin_winter = datetime(2026, 3, 28, 5, 0, tzinfo=UTC)
    next_day = shift(six_in_berlin_winter, 1, 1, IntervalUnit.DAY, "Europe/Berlin")
    assert next_day == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)


def test_an_unknown_time_zone_falls_back_to_utc() -> None:
    start = datetime(2026, 3, 28, 5, 0, tzinfo=UTC)
    assert shift(start, 1, 1, IntervalUnit.DAY, "Mars/Olympus") == start + timedelta(days=1)


def test_floating_months_count_from_the_completion_day() -> None:
    done = datetime(2027, 1, 31, 15, 0, tzinfo=UTC)
    assert next_floating(done, 1, IntervalUnit.MONTH, "UTC") == datetime(2027, 2, 28, 15, 0, tzinfo=UTC)


@given(anchor=anchors, every=everies, unit=units, tz=zones, n=st.integers(min_value=0, max_value=400))
@settings(max_examples=300, deadline=None)
def test_every_next_due_date_is_after_the_previous_one(
    anchor: datetime, every: int, unit: IntervalUnit, tz: str, n: int
) -> None:
    assert shift(anchor, n + 1, every, unit, tz) > shift(anchor, n, every, unit, tz)


@given(
    anchor=anchors,
    every=everies,
    unit=units,
    tz=zones,
    offset=st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=4000)),
)
@settings(max_examples=300, deadline=None)
def test_first_index_is_the_first_due_date_at_or_after_a_moment(
    anchor: datetime, every: int, unit: IntervalUnit, tz: str, offset: timedelta
) -> None:
    t = anchor + offset
    n = first_index(anchor, every, unit, tz, t, strictly_after=False)
    assert shift(anchor, n, every, unit, tz) >= t
    assert n == 0 or shift(anchor, n - 1, every, unit, tz) < t
    m = first_index(anchor, every, unit, tz, t, strictly_after=True)
    assert shift(anchor, m, every, unit, tz) > t
    assert m == 0 or shift(anchor, m - 1, every, unit, tz) <= t


@given(
    due=anchors,
    every=everies,
    unit=units,
    tz=zones,
    lead_share=st.floats(min_value=0.0, max_value=0.99),
    late=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)
@settings(max_examples=300, deadline=None)
def test_a_floating_schedule_anchors_on_the_completion_and_moves_forward(
    due: datetime, every: int, unit: IntervalUnit, tz: str, lead_share: float, late: timedelta
) -> None:
    """Work is generated at due − lead (lead shorter than the interval) and done at any time after."""
    lead = minimum_interval(every, unit) * lead_share
    completed = due - lead + late
    following = next_floating(completed, every, unit, tz)
    assert following == shift(completed, 1, every, unit, tz)
    assert following > completed
    assert following > due
