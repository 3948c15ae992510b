"""OEE arithmetic (ISO 22400-2 terms), pure: time buckets in, figures and loss tree out.

Planned production time (PPT) = shift time − breaks − non-working days − planned downtime.
Within PPT every second is one of: running, a micro-stop, downtime (an unplanned stop at least
as long as the machine's micro-stop threshold), or unknown (no data: communication lost).

- Availability A = run time / PPT
- Performance P = ideal cycle time × total count / run time
- Quality Q = good count / total count
- OEE = A × P × Q (= ideal cycle time × good count / PPT)

What counts as run time is a declared policy: with `micro_stops="performance"` (the six-big-losses
convention, default) micro-stops stay inside run time and show up as lower performance; with
`micro_stops="availability"` (ISO 22400-2 delay time) they are taken out of run time. Unknown time
is never run time: it lowers availability and is reported on its own line of the loss tree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class MicroStopPolicy(enum.StrEnum):
    PERFORMANCE = "performance"
    AVAILABILITY = "availability"


@dataclass(frozen=True)
class TimeBuckets:
    """Seconds within planned production time, by what the machine did."""

    planned: float
    running: float
    micro_stops: float
    downtime: float
    unknown: float
    downtime_by_reason: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Counts:
    good: int
    scrap: int

    @property
    def total(self) -> int:
        return self.good + self.scrap


@dataclass(frozen=True)
class Figures:
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None
    run_time_s: float
    planned_time_s: float
    ideal_cycle_s: float | None
    good: int
    scrap: int
    loss_tree: dict[str, float]


def _ratio(num: float, den: float) -> float | None:
    return None if den <= 0 else num / den


def compute(
    buckets: TimeBuckets, counts: Counts, ideal_cycle_s: float | None, micro_stops: MicroStopPolicy
) -> Figures:
    run = buckets.running + (buckets.micro_stops if micro_stops is MicroStopPolicy.PERFORMANCE else 0.0)
    availability = _ratio(run, buckets.planned)
    performance = _ratio((ideal_cycle_s or 0.0) * counts.total, run) if ideal_cycle_s else None
    quality = _ratio(counts.good, counts.total)
    oee = (
        availability * performance * quality
        if availability is not None and performance is not None and quality is not None
        else None
    )
    ideal_total = (ideal_cycle_s or 0.0) * counts.total
    loss_tree: dict[str, float] = {f"downtime:{k}": v for k, v in sorted(buckets.downtime_by_reason.items())}
    loss_tree["unknown"] = buckets.unknown
    loss_tree["micro_stops"] = buckets.micro_stops
    if ideal_cycle_s:
        # Speed loss: run time not explained by the ideal cycle (micro-stops excluded when listed apart).
        speed = max(run - ideal_total, 0.0)
        if micro_stops is MicroStopPolicy.PERFORMANCE:
            speed = max(speed - buckets.micro_stops, 0.0)
        loss_tree["speed"] = speed
        loss_tree["scrap"] = ideal_cycle_s * counts.scrap
    return Figures(
        availability=availability,
        performance=performance,
        quality=quality,
        oee=oee,
        run_time_s=run,
        planned_time_s=buckets.planned,
        ideal_cycle_s=ideal_cycle_s,
        good=counts.good,
        scrap=counts.scrap,
        loss_tree=loss_tree,
    )


def combine(parts: list[tuple[TimeBuckets, Counts, float | None]], micro_stops: MicroStopPolicy) -> Figures:
    """Line and site figures: times and counts add up; the ideal cycle is count-weighted.

    OEE of the whole equals Σ(ideal × good) / Σ PPT, so a machine that makes nothing still
    weighs by its planned time.
    """
    planned = sum(b.planned for b, _, _ in parts)
    reasons: dict[str, float] = {}
    for b, _, _ in parts:
        for k, v in b.downtime_by_reason.items():
            reasons[k] = reasons.get(k, 0.0) + v
    buckets = TimeBuckets(
        planned=planned,
        running=sum(b.running for b, _, _ in parts),
        micro_stops=sum(b.micro_stops for b, _, _ in parts),
        downtime=sum(b.downtime for b, _, _ in parts),
        unknown=sum(b.unknown for b, _, _ in parts),
        downtime_by_reason=reasons,
    )
    counts = Counts(sum(c.good for _, c, _ in parts), sum(c.scrap for _, c, _ in parts))
    ideal_total = sum((i or 0.0) * c.total for _, c, i in parts)
    ideal = ideal_total / counts.total if counts.total and all(i for _, c, i in parts if c.total) else None
    return compute(buckets, counts, ideal, micro_stops)
