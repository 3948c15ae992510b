"""A deterministic model of one production machine, as its PLC would expose it.

While running it makes one part per ``cycle_s`` (a share of them scrap), counts run hours and
warms up; now and then it stops for a while: a ``fault_share`` of the stops with a fault code
(lasting ``mean_fault_stop_s`` on average), the others without one (a jam, a missing part:
``mean_stop_s``). Every random draw comes from a ``random.Random`` seeded with ``(seed, code)``,
so a seed replays the same day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FAULT_CODES = (101, 102, 205, 310, 404)


@dataclass(frozen=True, slots=True)
class MachineState:
    """The PLC tags of one machine."""

    run: bool
    fault_code: int
    good: int
    scrap: int
    run_hours: float
    temperature: float
    vibration: float


class Machine:
    """One simulated machine; ``step(dt)`` advances it by ``dt`` seconds."""

    def __init__(
        self,
        code: str,
        seed: int = 0,
        *,
        cycle_s: float = 2.0,
        scrap_rate: float = 0.04,
        stop_chance_per_min: float = 0.5,
        mean_stop_s: float = 20.0,
        random_stops: bool = True,
        fault_share: float = 1.0,
        mean_fault_stop_s: float | None = None,
    ) -> None:
        self.code = code
        self.cycle_s = cycle_s
        self.scrap_rate = scrap_rate
        self.stop_chance_per_min = stop_chance_per_min
        self.mean_stop_s = mean_stop_s
        self.random_stops = random_stops
        self.fault_share = fault_share
        self.mean_fault_stop_s = mean_fault_stop_s or mean_stop_s
        self._rng = random.Random(f"{seed}:{code}")
        self.run = True
        self.fault_code = 0
        self.good = 0
        self.scrap = 0
        self.run_hours = 0.0
        self.temperature = 30.0 + self._rng.uniform(0, 5)
        self.vibration = 0.1
        self._part_progress = 0.0
        self._stop_left = 0.0
        self._forced = False

    @property
    def state(self) -> MachineState:
        return MachineState(
            self.run,
            self.fault_code,
            self.good,
            self.scrap,
            round(self.run_hours, 6),
            round(self.temperature, 3),
            round(self.vibration, 3),
        )

    def force_stop(self, fault_code: int = 999) -> None:
        """Stop now with ``fault_code`` and stay stopped until ``force_start``."""
        self.run = False
        self.fault_code = fault_code
        self._forced = True

    def force_start(self) -> None:
        """Run now (clears the fault); random behaviour resumes."""
        self.run = True
        self.fault_code = 0
        self._forced = False
        self._stop_left = 0.0

    def step(self, dt: float) -> MachineState:
        rng = self._rng
        if not self._forced:
            if self.run and self.random_stops and rng.random() < self.stop_chance_per_min * dt / 60:
                self.run = False
                faulted = self.fault_share >= 1 or rng.random() < self.fault_share
                self.fault_code = rng.choice(FAULT_CODES) if faulted else 0
                mean = self.mean_fault_stop_s if faulted else self.mean_stop_s
                self._stop_left = rng.expovariate(1 / mean)
            elif not self.run:
                self._stop_left -= dt
                if self._stop_left <= 0:
                    self.run, self.fault_code = True, 0
        if self.run:
            self.run_hours += dt / 3600
            self._part_progress += dt / self.cycle_s
            while self._part_progress >= 1:
                self._part_progress -= 1
                if rng.random() < self.scrap_rate:
                    self.scrap += 1
                else:
                    self.good += 1
        target = 65.0 if self.run else 30.0
        self.temperature += (target - self.temperature) * min(1.0, dt / 120) + rng.gauss(0, 0.05)
        base = 2.0 if self.run else 0.1
        self.vibration = max(0.0, base + rng.gauss(0, 0.05 if self.run else 0.01))
        return self.state
