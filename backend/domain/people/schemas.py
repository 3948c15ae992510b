"""People payloads: login, users, devices."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.domain.people.roles import Role
from backend.lib.schema import Input, Name, Output

Username = Annotated[str, msgspec.Meta(min_length=2, max_length=80, pattern=r"^[a-z0-9][a-z0-9._\-]*$")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=200)]
DeviceKind = Literal["phone", "tablet", "browser", "desktop"]


class LoginRequest(Input):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    device_name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)] = "browser"
    device_kind: DeviceKind = "browser"


class SiteOut(Output):
    id: uuid.UUID
    code: str
    name: str
    timezone: str


class UserOut(Output):
    id: uuid.UUID
    username: str
    display_name: str
    email: str | None
    role: str
    active: bool
    site_ids: list[uuid.UUID]


class LoginResponse(msgspec.Struct, kw_only=True):
    token: str
    device_id: uuid.UUID
    user: UserOut
    sites: list[SiteOut]


class UserCreate(Input):
    username: Username
    display_name: Name
    password: Password
    role: Role
    site_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1)]
    email: Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    hourly_rate: Annotated[float, msgspec.Meta(ge=0)] = 0.0


class UserUpdate(Input):
    display_name: Name | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    site_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1)] | msgspec.UnsetType = msgspec.UNSET
    hourly_rate: Annotated[float, msgspec.Meta(ge=0)] | msgspec.UnsetType = msgspec.UNSET


class DeviceOut(Output):
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    kind: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
