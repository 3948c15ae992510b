"""Where OEE gets counts and ideal cycle times: the machine's counters and default ideal cycle
time, unless a registered provider answers (production supplies the routings of the orders
that ran; a count provider may stand in for the counters)."""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

# (session, machine id, start, end) -> (good, scrap) or None when the provider has no opinion.
CountProvider = Callable[[AsyncSession, uuid.UUID, datetime, datetime], Awaitable[tuple[int, int] | None]]
Run = tuple[datetime, datetime | None, float]
"""What ran on a machine: from, until (None: still running), ideal seconds per unit."""
# (session, machine id, start, end) -> the runs overlapping [start, end).
IdealCycleProvider = Callable[[AsyncSession, uuid.UUID, datetime, datetime], Awaitable[Sequence[Run]]]

count_providers: list[CountProvider] = []
ideal_cycle_providers: list[IdealCycleProvider] = []

ROUTING = "running order's routing"
DEFAULT = "machine default"


@dataclass(frozen=True)
class Span:
    """A stretch of time with one ideal cycle time (None: nothing configured) and its source."""

    start: datetime
    end: datetime
    ideal: float | None
    source: str


@dataclass(frozen=True)
class IdealCycles:
    """A machine's ideal cycle time over a range: the routing of the order that ran, else the
    machine's default. Runs are cut where the next one starts (the later run wins)."""

    starts: list[datetime]
    ends: list[datetime]
    ideals: list[float]
    default: float | None

    @property
    def default_source(self) -> str:
        return DEFAULT if self.default else "none configured"

    def at(self, t: datetime) -> tuple[float | None, str]:
        i = bisect_right(self.starts, t) - 1
        if i >= 0 and t < self.ends[i]:
            return self.ideals[i], ROUTING
        return self.default, self.default_source

    def spans(self, start: datetime, end: datetime) -> list[Span]:
        """[start, end) cut into stretches of one ideal cycle time each, in order."""
        out: list[Span] = []
        t = start
        i = max(bisect_right(self.starts, start) - 1, 0)
        while t < end:
            while i < len(self.starts) and self.ends[i] <= t:
                i += 1
            if i < len(self.starts) and self.starts[i] <= t:
                stop = min(self.ends[i], end)
                out.append(Span(t, stop, self.ideals[i], ROUTING))
            else:
                stop = min(self.starts[i], end) if i < len(self.starts) else end
                out.append(Span(t, stop, self.default, self.default_source))
            t = stop
        return out


def cut_runs(runs: Sequence[Run], end: datetime, default: float | None) -> IdealCycles:
    ordered = sorted(runs, key=lambda r: r[0])
    starts: list[datetime] = []
    ends: list[datetime] = []
    ideals: list[float] = []
    for i, (began, ended, ideal) in enumerate(ordered):
        stop = ended or end
        if i + 1 < len(ordered):
            stop = min(stop, ordered[i + 1][0])
        if stop > began and ideal > 0:
            starts.append(began)
            ends.append(stop)
            ideals.append(ideal)
    return IdealCycles(starts, ends, ideals, default)


async def ideal_cycles(
    session: AsyncSession, asset_id: uuid.UUID, start: datetime, end: datetime, default: float | None
) -> IdealCycles:
    """What ran on the machine over [start, end), over its default ideal cycle time."""
    runs: Sequence[Run] = []
    for provider in ideal_cycle_providers:
        runs = await provider(session, asset_id, start, end)
        if runs:
            break
    return cut_runs(runs, end, default or None)


async def provided_counts(
    session: AsyncSession, asset_id: uuid.UUID, start: datetime, end: datetime
) -> tuple[int, int] | None:
    """Good and scrap from the first provider with an opinion; None: the machine's own counters."""
    for provider in count_providers:
        found = await provider(session, asset_id, start, end)
        if found is not None:
            return found
    return None
