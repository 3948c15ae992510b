"""Shift calendars: when a line is planned to produce, in UTC intervals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backend.domain.oee.intervals import Interval, normalize, subtract


@dataclass(frozen=True)
class Shift:
    name: str
    weekdays: frozenset[int]  # 0 = Monday
    start: time  # local time at the site
    hours: float  # may run past midnight
    breaks: tuple[tuple[float, float], ...] = ()  # (minutes after shift start, minutes long)


@dataclass(frozen=True)
class ShiftInstance:
    name: str
    start: datetime
    end: datetime
    breaks: tuple[Interval, ...]


def shift_instances(
    shifts: Sequence[Shift], tz: str, window: Interval, non_working: Iterable[date] = ()
) -> list[ShiftInstance]:
    """Every shift occurrence overlapping `window`, skipping those that start on a non-working day."""
    zone = ZoneInfo(tz)
    closed = set(non_working)
    start_day = window[0].astimezone(zone).date() - timedelta(days=1)
    end_day = window[1].astimezone(zone).date()
    out: list[ShiftInstance] = []
    day = start_day
    while day <= end_day:
        if day not in closed:
            for shift in shifts:
                if day.weekday() not in shift.weekdays:
                    continue
                local_start = datetime.combine(day, shift.start, tzinfo=zone)
                start = local_start.astimezone(UTC)
                end = (local_start + timedelta(hours=shift.hours)).astimezone(UTC)
                if end <= window[0] or start >= window[1]:
                    continue
                breaks = tuple(
                    (start + timedelta(minutes=offset), start + timedelta(minutes=offset + length))
                    for offset, length in shift.breaks
                )
                out.append(ShiftInstance(shift.name, start, end, breaks))
        day += timedelta(days=1)
    return sorted(out, key=lambda s: s.start)


def planned_time(
    instances: Sequence[ShiftInstance], window: Interval, planned_downtime: Iterable[Interval] = ()
) -> list[Interval]:
    """Shift time inside the window, less breaks and planned downtime."""
    shifts = normalize((max(s.start, window[0]), min(s.end, window[1])) for s in instances)
    breaks = [b for s in instances for b in s.breaks]
    return subtract(subtract(shifts, breaks), planned_downtime)
