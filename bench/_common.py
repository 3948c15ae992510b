"""Shared by the benchmarks: one JSON line per figure, a bare baseline measured in the same run."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any


def emit(bench: str, value: float, baseline: float, unit: str, goal: str, **extra: Any) -> None:
    ratio = value / baseline if baseline else float("inf")
    line = {
        "bench": bench,
        "value": round(value, 6),
        "baseline": round(baseline, 6),
        "ratio": round(ratio, 3),
    }
    line.update({"unit": unit, "goal": goal, **extra})
    print(json.dumps(line), flush=True)


async def best_of(n: int, fn: Callable[[], Awaitable[Any]]) -> float:
    """Median wall time of `n` runs of `fn` (seconds)."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
