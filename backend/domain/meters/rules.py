"""Pure meter rules: readings are cumulative; a drop means the meter was reset (or rolled over)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class MeterStep:
    """What one reading adds to a meter's usage; `backwards` marks a small drop (no reset)."""

    delta: float
    reset: bool
    backwards: bool = False


def meter_step(previous: float | None, value: float) -> MeterStep:
    """Usage between the previous raw reading and this one.

    The first reading of a meter counts everything it shows (the meter started at zero when the
    asset was commissioned). A reading below half the previous one means the meter was reset or
    replaced (or rolled over): it has counted `value` since it restarted from zero, so that is
    the usage added; what ran between the last reading and the reset is lost (at most one
    reading interval). A smaller drop is no reset (a real reset starts again near zero): it is
    noise or a misread, adds nothing and is flagged `backwards`.
    """
    if previous is None:
        return MeterStep(value, False)
    if value >= previous:
        return MeterStep(value - previous, False)
    if value <= previous / 2:
        return MeterStep(value, True)
    return MeterStep(0.0, False, backwards=True)


def valid_reading(value: float) -> str | None:
    """Why a raw reading cannot be stored, or None when it can."""
    if not math.isfinite(value):
        return "must be a finite number"
    if value < 0:
        return "must not be negative (meters count up from zero)"
    return None
