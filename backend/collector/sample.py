"""The one value type every adapter produces: a ``Sample`` of one tag at one moment."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

Quality = Literal["good", "uncertain", "bad", "stale"]
Role = Literal["run_state", "fault_code", "good_count", "scrap_count", "cycle_count", "run_hours", "analog"]
Value = bool | int | float | None

ROLES: tuple[Role, ...] = (
    "run_state",
    "fault_code",
    "good_count",
    "scrap_count",
    "cycle_count",
    "run_hours",
    "analog",
)
COUNTER_ROLES: frozenset[Role] = frozenset({"good_count", "scrap_count", "cycle_count"})


class Sample(msgspec.Struct, frozen=True, kw_only=True):
    """One reading of one tag.

    ``quality`` is ``stale`` (and ``value`` is None) when the collector lost the connection to the
    tag's source: downstream must read it as *unknown*, never as *stopped*. ``source_ts`` is the
    PLC/server timestamp where the protocol carries one (OPC UA), else None (Modbus).
    ``seq`` increases by one per emitted sample of a ``source`` and survives reconnects and
    collector restarts, so ``(source, seq)`` identifies a sample.
    """

    tag: str
    asset: str
    role: Role
    value: Value
    quality: Quality
    source_ts: datetime | None
    collector_ts: datetime
    source: str
    seq: int
