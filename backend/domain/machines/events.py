"""Hooks other contexts register to react to machine facts in the same transaction.

PM listens to meter readings and signal values (meter and condition plans), production to
good/scrap counts, downtime to state changes. Each hook gets the session and the new facts.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class StateChanged:
    site_id: uuid.UUID
    asset_id: uuid.UUID
    at: datetime
    state: str
    fault_code: int | None
    previous: str | None
    retracted: bool = False  # late data showed this change was a glitch; it was removed


@dataclass(frozen=True)
class Counted:
    site_id: uuid.UUID
    asset_id: uuid.UUID
    role: str  # good_count, scrap_count, cycle_count
    delta: int
    at: datetime
    key: str  # unique per delta: safe as an idempotency key downstream


@dataclass(frozen=True)
class SignalBatch:
    site_id: uuid.UUID
    asset_id: uuid.UUID
    signal: str
    role: str  # analog or run_hours
    values: list[tuple[datetime, float]]


StateHook = Callable[[AsyncSession, list[StateChanged]], Awaitable[None]]
CountHook = Callable[[AsyncSession, list[Counted]], Awaitable[None]]
SignalHook = Callable[[AsyncSession, list[SignalBatch]], Awaitable[None]]

on_state_changes: list[StateHook] = []
on_counts: list[CountHook] = []
on_signals: list[SignalHook] = []
