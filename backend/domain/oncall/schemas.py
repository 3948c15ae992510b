"""On-call rota payloads."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from backend.lib.schema import Input, Output, ShortText


class OnCallCreate(Input):
    site_id: uuid.UUID
    user_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    area_id: uuid.UUID | None = None
    note: ShortText | None = None


class OnCallOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    user_id: uuid.UUID
    area_id: uuid.UUID | None
    starts_at: datetime
    ends_at: datetime
    note: str | None
    created_at: datetime


class OnCallNow(msgspec.Struct, kw_only=True):
    """Who answers a new ticket of the site (and area) at `at`; `user_id` is null when nobody does."""

    site_id: uuid.UUID
    area_id: uuid.UUID | None
    at: datetime
    user_id: uuid.UUID | None
    shift: OnCallOut | None
