"""Run-hour readings from the collector: the ones a cumulative meter needs, not every sample."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from backend.domain.meters.services import COLLECTOR_SPACING
from backend.domain.pm.hooks import thinned

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
S = timedelta(seconds=1)


def test_readings_closer_than_the_spacing_are_left_out_but_the_latest_is_kept() -> None:
    values = [(T0 + i * 10 * S, 100.0 + i) for i in range(13)]
    kept = thinned(values)
    assert kept[0] == values[0]
    assert kept[-1] == values[-1]
    assert all(b[0] - a[0] >= COLLECTOR_SPACING for a, b in pairwise(kept[:-1]))
    assert len(kept) < len(values)


def test_readings_far_enough_apart_are_all_kept() -> None:
    values = [(T0 + i * COLLECTOR_SPACING, 100.0 + i) for i in range(5)]
    assert thinned(values) == values
