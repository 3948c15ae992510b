"""Meter and signal payloads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from backend.lib.schema import Input, Output

MeterName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")
]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class MeterReadingCreate(Input):
    """A reading taken by hand. `at` defaults to now; `reset` confirms a meter that was reset
    or replaced (a value below the last reading is refused without it)."""

    asset_id: uuid.UUID
    meter: MeterName
    value: float
    at: AwareDatetime | None = None
    reset: bool = False


class MeterReadingOut(Output):
    id: uuid.UUID
    asset_id: uuid.UUID
    meter: str
    at: datetime
    value: float
    delta: float
    total: float
    reset: bool
    source: str
    recorded_by: uuid.UUID | None


class MeterOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    asset_id: uuid.UUID
    name: str
    last_value: float
    last_at: datetime
    total: float
    resets: int


class SignalOut(msgspec.Struct, kw_only=True):
    signal: str
    last_at: datetime
    last_value: float


class SignalValueOut(msgspec.Struct, kw_only=True):
    at: datetime
    value: float
