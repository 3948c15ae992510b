"""Exponential backoff with jitter, shared by the source supervisors and the sender."""

from __future__ import annotations

import random


class Backoff:
    """Delays that double from ``initial`` up to ``maximum`` seconds, each jittered to 50–100 %."""

    def __init__(self, initial: float, maximum: float, rng: random.Random | None = None) -> None:
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.attempt = 0
        self._rng = rng or random.Random()

    def reset(self) -> None:
        self.attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * (2**self.attempt))
        self.attempt = min(self.attempt + 1, 32)
        return float(ceiling / 2 + self._rng.uniform(0, ceiling / 2))
