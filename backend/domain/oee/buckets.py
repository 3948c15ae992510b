"""From state changes and planned time to the seconds of each kind (running, micro-stop, downtime, unknown)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from backend.domain.oee.intervals import Interval, intersect, seconds
from backend.domain.oee.rules import TimeBuckets

ONGOING = "ongoing (not yet classified)"
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Change:
    at: datetime
    state: str  # running, stopped, unknown


def classify(
    changes: Sequence[Change],
    window: Interval,
    planned: Sequence[Interval],
    micro_stop_s: float,
    now: datetime,
    reasons: Mapping[datetime, str],
) -> TimeBuckets:
    """Seconds of planned time by kind. `changes` must include the last change before the window
    and every change up to the first one after it (to know full stop lengths).

    A stop shorter than `micro_stop_s` is a micro-stop; longer ones are downtime, attributed to
    the reason of the downtime event that started with them (`reasons` by start time). A stop
    still going on at `now` and shorter than the threshold is not classified yet.
    """
    start, end = window
    horizon = min(end, now)
    ordered = sorted(changes, key=lambda c: c.at)
    running: list[Interval] = []
    micro: list[Interval] = []
    unknown: list[Interval] = []
    down_by_reason: dict[str, list[Interval]] = {}
    for i, change in enumerate(ordered):
        seg_start = max(change.at, start)
        seg_end = min(ordered[i + 1].at if i + 1 < len(ordered) else horizon, horizon)
        if seg_end <= seg_start:
            continue
        span = (seg_start, seg_end)
        if change.state == "running":
            running.append(span)
        elif change.state == "stopped":
            stop_end = ordered[i + 1].at if i + 1 < len(ordered) else None
            length = ((stop_end or now) - change.at).total_seconds()
            if length < micro_stop_s:
                if stop_end is None:
                    down_by_reason.setdefault(ONGOING, []).append(span)
                else:
                    micro.append(span)
            else:
                down_by_reason.setdefault(reasons.get(change.at, UNCLASSIFIED), []).append(span)
        else:
            unknown.append(span)
    first_at = ordered[0].at if ordered else horizon
    if first_at > start:
        unknown.append((start, min(first_at, horizon)))
    by_reason = {k: seconds(intersect(v, planned)) for k, v in down_by_reason.items()}
    return TimeBuckets(
        planned=seconds(intersect(planned, [(start, horizon)])),
        running=seconds(intersect(running, planned)),
        micro_stops=seconds(intersect(micro, planned)),
        downtime=sum(by_reason.values()),
        unknown=seconds(intersect(unknown, planned)),
        downtime_by_reason={k: v for k, v in by_reason.items() if v > 0},
    )
