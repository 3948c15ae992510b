"""Pure rules that turn PLC samples into facts: machine state, counter deltas, debounce."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class MachineState(enum.StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    UNKNOWN = "unknown"  # no data (communication lost): never read as stopped


def state_of_run_bit(value: object, quality: str) -> MachineState:
    if quality in {"stale", "bad"} or value is None:
        return MachineState.UNKNOWN
    return MachineState.RUNNING if bool(value) else MachineState.STOPPED


@dataclass(frozen=True)
class CounterStep:
    delta: int
    note: str | None  # "rollover", "reset" or None


def counter_delta(previous: int | None, current: int, counter_max: int) -> CounterStep:
    """Units counted between two raw readings of a cumulative counter.

    A drop is a rollover when the previous value sat in the top tenth of the counter's range
    (the counter wrapped past `counter_max` to 0); otherwise it is a reset to zero, and the
    units since the reset are the current value. The first reading only sets the baseline.
    """
    if previous is None:
        return CounterStep(0, "baseline")
    if current >= previous:
        return CounterStep(current - previous, None)
    if previous >= counter_max * 0.9:
        return CounterStep(counter_max - previous + 1 + current, "rollover")
    return CounterStep(current, "reset")


@dataclass(frozen=True)
class StateEvent:
    at: datetime
    state: MachineState
    fault_code: int | None = None


def debounce(events: list[StateEvent], window: timedelta) -> list[StateEvent]:
    """Drop glitches: a change that is undone within `window` never happened.

    `events` are the accepted changes in time order (each differs from the one before). Any
    event followed by the next within `window` is removed together with that next event when
    the next one returns to the state before the glitch. Unknown is never debounced away: a
    lost connection always shows.
    """
    out: list[StateEvent] = []
    for ev in events:
        if (
            len(out) >= 2
            and out[-1].state is not MachineState.UNKNOWN
            and ev.state is out[-2].state
            and ev.at - out[-1].at < window
        ):
            out.pop()
            continue
        if out and out[-1].state is ev.state and out[-1].fault_code == ev.fault_code:
            continue
        out.append(ev)
    return out
