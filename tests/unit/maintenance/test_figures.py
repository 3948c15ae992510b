"""MTTR, MTBF and Pareto arithmetic against the worked example of docs/reliability.md."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from backend.domain.maintenance import figures

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 8, tzinfo=UTC)
M1, M2, M3 = (uuid.uuid4() for _ in range(3))


def t(day: int, hour: int) -> datetime:
    return datetime(2026, 2 if day > 20 else 3, day, hour, tzinfo=UTC)


def repair(asset: uuid.UUID, failed: datetime, restored: datetime | None) -> figures.Repair:
    return figures.Repair(uuid.uuid4(), asset, f"/{asset}/", failed, restored)


A = repair(M1, t(2, 8), t(2, 10))
B = repair(M1, t(4, 12), t(4, 16))
C = repair(M2, t(3, 6), t(3, 9))
E = repair(M2, t(3, 8), t(3, 10))
D = repair(M3, t(5, 0), t(5, 6))
H = repair(M3, t(7, 20), None)
I = repair(M1, t(28, 22), t(1, 2))  # noqa: E741
ALL = [A, B, C, D, E, H, I]


def test_mttr_is_the_mean_repair_time_of_repairs_restored_in_the_period() -> None:
    result = figures.mttr(ALL, START, END)
    assert result.repairs == 6
    assert result.repair_hours == 21.0
    assert result.mttr_hours == 3.5


def test_mttr_of_no_repairs_is_undefined() -> None:
    assert figures.mttr([H], START, END).mttr_hours is None


def test_mtbf_counts_downtime_clipped_to_the_period() -> None:
    result = figures.mtbf([A, B, I], START, END)
    assert result.period_hours == 168.0
    assert result.downtime_hours == 8.0
    assert result.failures == 2
    assert result.mtbf_hours == 80.0


def test_overlapping_repairs_are_down_once() -> None:
    result = figures.mtbf([C, E], START, END)
    assert result.downtime_hours == 4.0
    assert result.mtbf_hours == 82.0


def test_an_unrestored_repair_is_down_until_the_period_ends() -> None:
    result = figures.mtbf([D, H], START, END)
    assert result.downtime_hours == 10.0
    assert result.mtbf_hours == 79.0


def test_mtbf_without_failures_is_undefined_but_operating_time_is_known() -> None:
    result = figures.mtbf([], START, END)
    assert result.operating_hours == 168.0
    assert result.mtbf_hours is None


def test_pareto_orders_by_count_then_hours_with_running_shares() -> None:
    p1, p2, p3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = figures.pareto({p3: (1, 6.0), p2: (2, 5.0), p1: (2, 6.0)})
    assert [(r.key, r.count, r.share, r.cumulative_share) for r in rows] == [
        (p1, 2, 0.4, 0.4),
        (p2, 2, 0.4, 0.8),
        (p3, 1, 0.2, 1.0),
    ]
