"""Pure rules of the on-call rota."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

# A single rota entry longer than this is almost certainly a typo (a year instead of a week).
MAX_SHIFT = timedelta(days=31)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals [start, end) share at least one instant."""
    return a_start < b_end and b_start < a_end


def window_problem(starts_at: datetime, ends_at: datetime) -> tuple[str, str] | None:
    """(field, reason) when a rota window is unusable, else None."""
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.tzinfo is None:
            return field, "needs a timezone (e.g. 2026-03-02T08:00:00Z)"
    if ends_at <= starts_at:
        return "ends_at", "must be after starts_at"
    if ends_at - starts_at > MAX_SHIFT:
        return "ends_at", f"an entry may last at most {MAX_SHIFT.days} days"
    return None


def area_of(asset_path: str) -> uuid.UUID | None:
    """The area an asset sits in: the first id of its materialized path ("/area/line/machine/")."""
    first = asset_path.strip("/").split("/", 1)[0]
    try:
        return uuid.UUID(first)
    except ValueError:
        return None


# New work of these kinds is somebody's problem right now; planned work waits for a planner.
DISPATCHED_TYPES = frozenset({"corrective", "condition_based"})


def dispatches_to_on_call(*, type: str, priority: str, status: str, has_assignees: bool) -> bool:
    """Whether a just-created work order goes to whoever is on call."""
    if has_assignees or status != "open":
        return False
    return type in DISPATCHED_TYPES or priority == "emergency"
