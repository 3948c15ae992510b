"""Pure PM rules: calendar arithmetic on the site's wall clock, condition episodes, occurrence states.

Calendar steps are taken on the site's local calendar, so "every day at 06:00" stays at 06:00
local time across daylight-saving changes. A monthly fixed schedule keeps its anchor's day of
month and clamps it to short months: Jan 31 → Feb 28 (29 in leap years) → Mar 31 → Apr 30.
"""

from __future__ import annotations

import calendar
import enum
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backend.domain.maintenance.rules import CLOSED, Status


class PlanKind(enum.StrEnum):
    CALENDAR = "calendar"
    METER = "meter"
    CONDITION = "condition"


class Schedule(enum.StrEnum):
    FIXED = "fixed"  # anchored to the start date: due dates never drift
    FLOATING = "floating"  # the next one is due an interval after the last completion


class IntervalUnit(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Operator(enum.StrEnum):
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="


class OccurrenceStatus(enum.StrEnum):
    PENDING = "pending"  # a condition fired; the generator has not made its work order yet
    GENERATED = "generated"  # its work order exists
    SKIPPED = "skipped"  # no work order: see the reason


class OccurrenceState(enum.StrEnum):
    """What an occurrence means today (derived from its work order and the clock)."""

    PENDING = "pending"
    SKIPPED = "skipped"
    OPEN = "open"  # not done yet, still within due date + grace
    OVERDUE = "overdue"  # not done and past due date + grace
    DONE = "done"  # done by due date + grace
    DONE_LATE = "done_late"  # done, after due date + grace
    CANCELLED = "cancelled"  # its work order was cancelled or rejected


SKIP_OPEN = "the previous work order of this plan and asset is still open"
SKIP_MISSED = "superseded: a later occurrence was already due when this one came up"

_OPS: dict[Operator, Callable[[float, float], bool]] = {
    Operator.GT: operator.gt,
    Operator.GE: operator.ge,
    Operator.LT: operator.lt,
    Operator.LE: operator.le,
}
_NOMINAL_DAYS = {IntervalUnit.DAY: 1, IntervalUnit.WEEK: 7, IntervalUnit.MONTH: 28}


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _add_months(wall: datetime, months: int, day: int) -> datetime:
    index = wall.year * 12 + (wall.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return wall.replace(year=year, month=month + 1, day=min(day, last))


def shift(start: datetime, n: int, every: int, unit: IntervalUnit, tz: str | None) -> datetime:
    """`start` plus n × (every unit), stepped on the local calendar of `tz`; the result is UTC."""
    local_zone = zone(tz)
    wall = start.astimezone(local_zone).replace(tzinfo=None)
    if unit is IntervalUnit.DAY:
        wall += timedelta(days=n * every)
    elif unit is IntervalUnit.WEEK:
        wall += timedelta(weeks=n * every)
    else:
        wall = _add_months(wall, n * every, wall.day)
    return wall.replace(tzinfo=local_zone).astimezone(UTC)


def minimum_interval(every: int, unit: IntervalUnit) -> timedelta:
    """The shortest the interval can be (a month counts as 28 days)."""
    return timedelta(days=every * _NOMINAL_DAYS[unit])


def _estimate(anchor: datetime, t: datetime, every: int, unit: IntervalUnit, tz: str | None) -> int:
    if unit is IntervalUnit.MONTH:
        a, b = anchor.astimezone(zone(tz)), t.astimezone(zone(tz))
        return ((b.year - a.year) * 12 + b.month - a.month) // every
    return int((t - anchor) / timedelta(days=every * _NOMINAL_DAYS[unit]))


def first_index(
    anchor: datetime, every: int, unit: IntervalUnit, tz: str | None, t: datetime, *, strictly_after: bool
) -> int:
    """The smallest n ≥ 0 whose fixed due date `shift(anchor, n)` is at or after `t`
    (strictly after with `strictly_after`)."""

    def ok(n: int) -> bool:
        due = shift(anchor, n, every, unit, tz)
        return due > t if strictly_after else due >= t

    n = max(0, _estimate(anchor, t, every, unit, tz) - 1)
    while n > 0 and ok(n - 1):
        n -= 1
    while not ok(n):
        n += 1
    return n


def next_floating(completed_at: datetime, every: int, unit: IntervalUnit, tz: str | None) -> datetime:
    """A floating schedule's next due date: one interval after the completion."""
    return shift(completed_at, 1, every, unit, tz)


def breaches(op: Operator, value: float, limit: float) -> bool:
    return _OPS[op](value, limit)


@dataclass
class Episode:
    """Where a condition rule stands for one asset: since when the limit has been breached
    (None when it is not), whether this episode already fired, and the last sample seen."""

    start: datetime | None = None
    fired: bool = False
    last_at: datetime | None = None


@dataclass(frozen=True)
class Fire:
    episode_start: datetime
    at: datetime


@dataclass(frozen=True)
class ConditionRule:
    op: Operator
    limit: float
    duration: timedelta = field(default=timedelta(0))


def advance(episode: Episode, samples: Iterable[tuple[datetime, float]], rule: ConditionRule) -> list[Fire]:
    """Feed samples (any order; ones not after the last seen are ignored) into the episode.

    A value holds until the next sample (sample-and-hold), so the limit has been breached for
    the whole duration when a sample arrives `duration` or more after the episode's first
    breaching sample with no sample within the limit in between. Each episode fires once; a
    sample within the limit ends it.
    """
    fires: list[Fire] = []

    def check(at: datetime) -> None:
        if episode.start is not None and not episode.fired and at - episode.start >= rule.duration:
            episode.fired = True
            fires.append(Fire(episode.start, at))

    for at, value in sorted(samples, key=lambda s: s[0]):
        if episode.last_at is not None and at <= episode.last_at:
            continue
        check(at)
        if breaches(rule.op, value, rule.limit):
            if episode.start is None:
                episode.start, episode.fired = at, False
        else:
            episode.start, episode.fired = None, False
        check(at)
        episode.last_at = at
    return fires


_GONE = frozenset({Status.CANCELLED.value, Status.REJECTED.value})


def occurrence_state(
    status: str,
    work_order_status: str | None,
    completed_at: datetime | None,
    grace_until: datetime,
    now: datetime,
) -> OccurrenceState:
    """The state of an occurrence from its own status and its work order's."""
    if status == OccurrenceStatus.PENDING:
        return OccurrenceState.PENDING
    if status == OccurrenceStatus.SKIPPED:
        return OccurrenceState.SKIPPED
    if work_order_status is None or work_order_status in _GONE:
        return OccurrenceState.CANCELLED
    if work_order_status in CLOSED:
        if completed_at is not None and completed_at <= grace_until:
            return OccurrenceState.DONE
        return OccurrenceState.DONE_LATE
    return OccurrenceState.OVERDUE if now > grace_until else OccurrenceState.OPEN


def is_open_work_order(work_order_status: str | None) -> bool:
    return work_order_status is not None and work_order_status not in CLOSED | _GONE


@dataclass
class Tally:
    """PM compliance of a set of occurrences: done by due date + grace over the decided ones.

    Decided = done on time, done late, or overdue (open past due date + grace). Occurrences
    still open within their grace are not decided yet; cancelled and skipped ones had no work
    to do. All are counted so the figure can be checked.
    """

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    cancelled: int = 0
    skipped: int = 0
    pending: int = 0

    def add(self, state: OccurrenceState) -> None:
        name = {
            OccurrenceState.DONE: "on_time",
            OccurrenceState.DONE_LATE: "late",
            OccurrenceState.OVERDUE: "overdue",
            OccurrenceState.OPEN: "open",
            OccurrenceState.CANCELLED: "cancelled",
            OccurrenceState.SKIPPED: "skipped",
            OccurrenceState.PENDING: "pending",
        }[state]
        setattr(self, name, getattr(self, name) + 1)

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def compliance(self) -> float | None:
        return self.on_time / self.decided if self.decided else None
