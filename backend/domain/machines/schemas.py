"""Payloads for collectors and machine facts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from backend.lib.schema import Input, Output


class CollectorCreate(Input):
    site_id: uuid.UUID
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


class CollectorOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    created_at: datetime
    last_batch_at: datetime | None
    dropped_samples: int
    revoked_at: datetime | None


class CollectorCreated(msgspec.Struct, kw_only=True):
    collector: CollectorOut
    token: str


class MachineSettingsIn(Input):
    debounce_s: Annotated[float, msgspec.Meta(ge=0, le=600)] = 2.0
    micro_stop_s: Annotated[float, msgspec.Meta(ge=0, le=86400)] = 120.0
    ticket_after_s: Annotated[float, msgspec.Meta(ge=0, le=86400)] = 300.0
    counter_max: Annotated[int, msgspec.Meta(ge=1)] = 65535
    ideal_cycle_s: Annotated[float, msgspec.Meta(gt=0)] | None = None


class MachineSettingsOut(Output):
    asset_id: uuid.UUID
    debounce_s: float
    micro_stop_s: float
    ticket_after_s: float
    counter_max: int
    ideal_cycle_s: float | None


class MachineStateOut(Output):
    asset_id: uuid.UUID
    state: str
    since: datetime
    fault_code: int | None
    last_sample_at: datetime | None


class StateChangeOut(Output):
    asset_id: uuid.UUID
    at: datetime
    state: str
    fault_code: int | None


class CountDeltaOut(Output):
    asset_id: uuid.UUID
    role: str
    delta: int
    at: datetime
    note: str | None
