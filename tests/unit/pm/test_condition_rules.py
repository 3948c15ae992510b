"""Condition rules: a breach must hold for the whole duration, and fires once per episode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.pm.rules import ConditionRule, Episode, Fire, Operator, advance, breaches

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
M = timedelta(minutes=1)
VIBRATION = ConditionRule(Operator.GT, 7.1, 10 * M)


def feed(
    *samples: tuple[float, float], rule: ConditionRule = VIBRATION, episode: Episode | None = None
) -> list[Fire]:
    return advance(episode or Episode(), [(T0 + minute * M, value) for minute, value in samples], rule)


def test_a_breach_held_for_the_whole_duration_fires_at_the_sample_that_completes_it() -> None:
    assert feed((0, 7.5), (4, 9.0), (10, 7.2)) == [Fire(T0, T0 + 10 * M)]


def test_a_breach_shorter_than_the_duration_does_not_fire() -> None:
    assert feed((0, 7.5), (9, 9.0), (9.5, 7.0)) == []


def test_a_value_holds_until_the_next_sample_so_the_ending_sample_can_complete_the_duration() -> None:
    assert feed((0, 8.0), (10, 5.0)) == [Fire(T0, T0 + 10 * M)]


def test_a_sample_on_the_limit_does_not_breach_a_strict_operator() -> None:
    assert feed((0, 7.1), (20, 7.1)) == []


def test_an_episode_fires_once_however_long_it_lasts() -> None:
    assert len(feed(*((m, 9.0) for m in range(0, 120, 5)))) == 1


def test_a_new_episode_after_a_return_within_the_limit_fires_again() -> None:
    fires = feed((0, 9.0), (10, 9.0), (11, 5.0), (20, 9.0), (30, 9.0))
    assert [f.episode_start for f in fires] == [T0, T0 + 20 * M]


def test_samples_not_after_the_last_one_seen_are_ignored() -> None:
    episode = Episode()
    feed((0, 9.0), (5, 9.0), episode=episode)
    assert feed((3, 1.0), (5, 1.0), episode=episode) == []
    assert feed((10, 9.0), episode=episode) == [Fire(T0, T0 + 10 * M)]


def test_samples_arriving_out_of_order_in_one_batch_are_taken_in_time_order() -> None:
    assert feed((10, 9.0), (0, 9.0), (5, 9.0)) == [Fire(T0, T0 + 10 * M)]


def test_a_zero_duration_fires_on_the_first_breaching_sample() -> None:
    assert feed((3, 9.0), rule=ConditionRule(Operator.GT, 7.1)) == [Fire(T0 + 3 * M, T0 + 3 * M)]


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        (Operator.GT, 7.2, True),
        (Operator.GT, 7.1, False),
        (Operator.GE, 7.1, True),
        (Operator.LT, 7.0, True),
        (Operator.LT, 7.1, False),
        (Operator.LE, 7.1, True),
        (Operator.LE, 7.2, False),
    ],
)
def test_operators_compare_the_value_with_the_limit(op: Operator, value: float, expected: bool) -> None:
    assert breaches(op, value, 7.1) is expected
