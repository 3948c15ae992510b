"""Pure quality rules: check results, which samples are due, Pareto ordering, who releases holds."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from backend.domain.people.roles import Role

# Holds and nonconformances are released/closed by a quality role: managers and admins.
QUALITY_RELEASE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
# A defect code of this family applies to every product family.
ALL_FAMILIES = "*"
# Machine scrap without a code, in a Pareto.
UNCLASSIFIED = "UNCLASSIFIED"


class Kind(enum.StrEnum):
    NUMERIC = "numeric"
    PASS_FAIL = "pass_fail"
    ATTRIBUTE = "attribute"


class Frequency(enum.StrEnum):
    FIRST_ARTICLE = "first_article"
    EVERY_N_UNITS = "every_n_units"
    EVERY_N_MINUTES = "every_n_minutes"


class Disposition(enum.StrEnum):
    REWORK = "rework"
    SCRAP = "scrap"
    USE_AS_IS = "use_as_is"
    RETURN_TO_SUPPLIER = "return_to_supplier"


def numeric_passes(values: Iterable[float], lower: float | None, upper: float | None) -> bool:
    """Every measurement within [lower, upper] (limits inclusive; a missing limit is open)."""
    return all((lower is None or v >= lower) and (upper is None or v <= upper) for v in values)


def due_count(frequency: Frequency, n: int | None, produced: int, running_minutes: float) -> int:
    """How many samples an operation owes so far.

    - first article: one, as soon as the operation has started;
    - every N units: one at the first unit and one at each further N units: ceil(produced / N);
    - every N minutes: one at the start, then one per N minutes of running time (pauses excluded).
    """
    if frequency is Frequency.FIRST_ARTICLE:
        return 1
    if n is None or n <= 0:
        raise ValueError("frequency needs a positive N")
    if frequency is Frequency.EVERY_N_UNITS:
        return math.ceil(max(produced, 0) / n)
    return 1 + math.floor(max(running_minutes, 0.0) / n + 1e-9)


def running_minutes(
    started_at: datetime, now: datetime, pauses: Iterable[tuple[datetime, datetime | None]]
) -> float:
    """Minutes between start and now without the pauses."""
    total = (now - started_at).total_seconds()
    for start, end in pauses:
        s = max(start, started_at)
        e = min(end or now, now)
        if e > s:
            total -= (e - s).total_seconds()
    return max(total, 0.0) / 60.0


@dataclass(frozen=True)
class SlotState:
    due: int
    passed: int
    failed_slots: tuple[int, ...]
    missing_slots: tuple[int, ...]


def slot_state(due: int, latest_by_slot: Mapping[int, bool]) -> SlotState:
    """Each due slot is passed, failed (its latest check failed) or missing (never checked)."""
    failed = tuple(s for s in range(1, due + 1) if latest_by_slot.get(s) is False)
    missing = tuple(s for s in range(1, due + 1) if s not in latest_by_slot)
    return SlotState(due, due - len(failed) - len(missing), failed, missing)


def next_slot(due: int, latest_by_slot: Mapping[int, bool]) -> int:
    """The slot a new check fills: the first due one not passed, else the next one ahead."""
    for s in range(1, due + 1):
        if latest_by_slot.get(s) is not True:
            return s
    return max([due, *latest_by_slot.keys()]) + 1


@dataclass(frozen=True)
class ParetoRow:
    code: str
    count: float
    percent: float
    cumulative_percent: float


def pareto(counts: Mapping[str, float]) -> list[ParetoRow]:
    """Largest first (ties by code), with each share and the running total, in percent."""
    items = sorted(((c, v) for c, v in counts.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
    total = sum(v for _c, v in items)
    rows: list[ParetoRow] = []
    running = 0.0
    for code, value in items:
        running += value
        rows.append(ParetoRow(code, value, 100.0 * value / total, 100.0 * running / total))
    return rows
