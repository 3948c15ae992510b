"""Asset payloads."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from backend.domain.assets.rules import AssetStatus, Criticality, Level
from backend.lib.schema import Code, Input, Name, Output, ShortText


class AssetCreate(Input):
    site_id: uuid.UUID
    level: Level
    code: Code
    name: Name
    parent_id: uuid.UUID | None = None
    asset_class: ShortText | None = None
    criticality: Criticality = Criticality.MEDIUM
    manufacturer: ShortText | None = None
    model: ShortText | None = None
    serial: ShortText | None = None
    install_date: date | None = None
    status: AssetStatus = AssetStatus.OPERATIONAL


class AssetUpdate(Input):
    code: Code | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    asset_class: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    criticality: Criticality | msgspec.UnsetType = msgspec.UNSET
    manufacturer: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    model: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    serial: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    install_date: date | msgspec.UnsetType | None = msgspec.UNSET
    status: AssetStatus | msgspec.UnsetType = msgspec.UNSET


class AssetMove(Input):
    parent_id: uuid.UUID | None


class AssetOut(Output):
    id: uuid.UUID
    site_id: uuid.UUID
    parent_id: uuid.UUID | None
    level: str
    code: str
    name: str
    asset_class: str | None
    criticality: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    install_date: date | None
    status: str
    label_url: str
    retired_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AssetNode(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    code: str
    name: str
    level: str
    status: str
    children: list[AssetNode] = msgspec.field(default_factory=list)
