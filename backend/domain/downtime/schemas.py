"""Downtime payloads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.lib.schema import Input, Output


class DowntimeEventOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    asset_id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None
    fault_code: int | None
    reason_code: str | None
    reason_label: str | None
    reason_source: str | None
    work_order_id: uuid.UUID | None
    version: int


class ClassifyIn(Input):
    reason_code: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class ReasonIn(Input):
    site_id: uuid.UUID
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9._\-]*$")]
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    category: Literal["machine", "material", "people", "method"]
    parent_id: uuid.UUID | None = None


class ReasonOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    code: str
    label: str
    category: str
    parent_id: uuid.UUID | None
