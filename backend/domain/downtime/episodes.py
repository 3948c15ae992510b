"""Pure: from a machine's state changes to stop episodes (what becomes a downtime event)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class StateRow:
    at: datetime
    state: str
    fault_code: int | None = None


@dataclass(frozen=True)
class Episode:
    """One unplanned stop, from the stop to the restart that lasted (None: still stopped)."""

    started_at: datetime
    ended_at: datetime | None
    fault_code: int | None

    def duration_s(self, now: datetime) -> float:
        return ((self.ended_at or now) - self.started_at).total_seconds()


def episodes(rows: Sequence[StateRow], reopen_after: timedelta) -> list[Episode]:
    """Stops, with restarts shorter than `reopen_after` folded in (a flapping run bit is one stop).

    Communication loss (unknown) neither starts nor ends a stop. The fault code of an episode is
    the first one reported while it lasted.
    """
    out: list[Episode] = []
    start: datetime | None = None
    fault: int | None = None
    run_since: datetime | None = None
    for row in sorted(rows, key=lambda r: r.at):
        if row.state == "stopped":
            if start is None:
                start, fault = row.at, row.fault_code
            elif run_since is not None and row.at - run_since >= reopen_after:
                out.append(Episode(start, run_since, fault))
                start, fault = row.at, row.fault_code
            fault = fault or row.fault_code
            run_since = None
        elif row.state == "running" and start is not None and run_since is None:
            run_since = row.at
    if start is not None:
        out.append(Episode(start, run_since, fault))
    return out


def qualifies(ep: Episode, now: datetime, micro_stop_s: float) -> bool:
    """A fault is never a micro-stop; otherwise only a stop known to last the threshold counts."""
    return ep.fault_code is not None or ep.duration_s(now) >= micro_stop_s


def needs_ticket(ep: Episode, now: datetime, ticket_after_s: float) -> bool:
    return ep.fault_code is not None or ep.duration_s(now) >= ticket_after_s
