"""Pure reliability arithmetic: repair intervals, MTTR, MTBF and Pareto shares (see docs/reliability.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

HOUR = 3600.0


@dataclass(frozen=True)
class Repair:
    """One failure and its restoration (None while the asset is still down)."""

    work_order_id: uuid.UUID
    asset_id: uuid.UUID
    asset_path: str
    failed_at: datetime
    restored_at: datetime | None


@dataclass(frozen=True)
class Mttr:
    repairs: int
    repair_hours: float
    mttr_hours: float | None


@dataclass(frozen=True)
class Mtbf:
    period_hours: float
    downtime_hours: float
    operating_hours: float
    failures: int
    mtbf_hours: float | None


@dataclass(frozen=True)
class ParetoRow:
    key: uuid.UUID
    count: int
    repair_hours: float
    share: float
    cumulative_share: float


def within(when: datetime, start: datetime, end: datetime) -> bool:
    """Periods are half-open: [start, end)."""
    return start <= when < end


def union_seconds(intervals: Iterable[tuple[datetime, datetime]]) -> float:
    """Length of the union of intervals: overlapping repairs count once."""
    total = 0.0
    current: tuple[datetime, datetime] | None = None
    for lo, hi in sorted(i for i in intervals if i[1] > i[0]):
        if current is None or lo > current[1]:
            if current is not None:
                total += (current[1] - current[0]).total_seconds()
            current = (lo, hi)
        elif hi > current[1]:
            current = (current[0], hi)
    if current is not None:
        total += (current[1] - current[0]).total_seconds()
    return total


def mttr(repairs: Sequence[Repair], start: datetime, end: datetime) -> Mttr:
    """Mean of (restoration - failure) over the repairs restored within the period."""
    durations = [
        (r.restored_at - r.failed_at).total_seconds() / HOUR
        for r in repairs
        if r.restored_at is not None and within(r.restored_at, start, end)
    ]
    total = sum(durations)
    return Mttr(len(durations), total, total / len(durations) if durations else None)


def mtbf(repairs: Sequence[Repair], start: datetime, end: datetime) -> Mtbf:
    """Operating time / failures in the period. Operating time is the period less the union of the
    repair intervals inside it (an unrestored repair runs to the end of the period)."""
    down = union_seconds(
        (max(r.failed_at, start), min(r.restored_at or end, end))
        for r in repairs
        if r.failed_at < end and (r.restored_at is None or r.restored_at > start)
    )
    period = (end - start).total_seconds()
    failures = sum(1 for r in repairs if within(r.failed_at, start, end))
    operating = (period - down) / HOUR
    return Mtbf(period / HOUR, down / HOUR, operating, failures, operating / failures if failures else None)


def pareto(counts: dict[uuid.UUID, tuple[int, float]]) -> list[ParetoRow]:
    """Codes by count (then repair hours), each with its share and the running share."""
    total = sum(c for c, _h in counts.values())
    rows: list[ParetoRow] = []
    running = 0
    for key, (count, hours) in sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], str(kv[0]))):
        running += count
        rows.append(ParetoRow(key, count, hours, count / total, running / total))
    return rows
