"""Arguments of the maintenance mutations (validated by msgspec; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from backend.db.offline import OfflineTx
from backend.domain.maintenance.rules import (
    HoldReason,
    Priority,
)
from backend.domain.maintenance.schemas import (
    AnswerValue,
    AwareDatetime,
)
from backend.domain.people.roles import Actor
from backend.lib.schema import Input, LongText, Name, ShortText
from sync.registry import MutationContext

Ctx = MutationContext[OfflineTx, Actor]
BaseVersion = Annotated[int, msgspec.Meta(ge=0, le=2**53 - 1)]


class StatusArgs(Input):
    id: uuid.UUID
    base_version: BaseVersion
    at: AwareDatetime | None = None


class HoldArgs(StatusArgs, kw_only=True):
    reason: HoldReason


class ChecklistAnswerArgs(Input):
    work_order_id: uuid.UUID
    item_id: uuid.UUID
    value: AnswerValue
    base_version: BaseVersion
    at: AwareDatetime | None = None


class CommentArgs(Input):
    id: uuid.UUID
    work_order_id: uuid.UUID
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class LaborAddArgs(Input):
    id: uuid.UUID
    work_order_id: uuid.UUID
    started_at: AwareDatetime
    ended_at: AwareDatetime
    note: ShortText | None = None


class TimerStartArgs(Input):
    id: uuid.UUID
    work_order_id: uuid.UUID
    note: ShortText | None = None
    at: AwareDatetime | None = None


class TimerStopArgs(Input):
    work_order_id: uuid.UUID
    at: AwareDatetime | None = None


class FailureCodesArgs(Input):
    id: uuid.UUID
    base_version: BaseVersion
    problem_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    cause_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    remedy_code_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET


class RequestArgs(Input):
    id: uuid.UUID
    asset_id: uuid.UUID
    title: Name
    description: LongText = ""
    priority: Priority = Priority.MEDIUM
