"""Offline mutations of downtime: an operator names the reason of a stop from the tablet.

The reason is a merged field: two people naming different reasons for the same stop while
offline is surfaced as a conflict instead of the later one silently winning.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from sqlalchemy import select

from backend.db.offline import FieldRule, OfflineTx, Target, merge
from backend.domain.downtime import services
from backend.domain.downtime.models import DowntimeEvent
from backend.domain.downtime.replica import DOWNTIME_EVENT
from backend.domain.people.roles import Actor
from backend.lib.errors import NotFound
from backend.lib.schema import Input
from sync.merge import SURFACE, Decision, FieldEdit
from sync.registry import MutationContext, MutatorRegistry, Notice

Ctx = MutationContext[OfflineTx, Actor]


class ClassifyArgs(Input):
    event_id: uuid.UUID
    reason_code: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    base_version: Annotated[int, msgspec.Meta(ge=0, le=2**53 - 1)]


async def _locked(ctx: Ctx, event_id: uuid.UUID) -> DowntimeEvent:
    stmt = (
        select(DowntimeEvent)
        .where(DowntimeEvent.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    event = (await ctx.tx.session.execute(stmt)).scalar_one_or_none()
    if event is None:
        raise NotFound("downtime event not found")
    return event


async def _read(ctx: Ctx, row_id: str) -> Target:
    event = await _locked(ctx, uuid.UUID(row_id))
    return Target(event.reason_code, event.version, event.site_id)


async def _write(ctx: Ctx, row_id: str, value: Any) -> None:
    await services.classify(ctx.tx.session, ctx.auth, uuid.UUID(row_id), str(value), ctx.tx.clock)


async def classify(ctx: Ctx, args: ClassifyArgs) -> Notice | None:
    target = await _read(ctx, str(args.event_id))
    decision = await merge(
        ctx,
        entity=DOWNTIME_EVENT,
        row_id=str(args.event_id),
        field="reason_code",
        policy=SURFACE,
        target=target,
        edit=FieldEdit(args.reason_code, args.base_version),
    )
    if decision.decision is Decision.APPLIED:
        await _write(ctx, str(args.event_id), args.reason_code)
    if decision.decision is Decision.CONFLICT:
        return Notice("conflict", "someone else named another reason first; both are kept for review")
    return None


FIELDS: tuple[FieldRule, ...] = (FieldRule(DOWNTIME_EVENT, "reason_code", SURFACE, _read, _write),)


def register(registry: MutatorRegistry[Any, Actor]) -> None:
    registry.register("downtime.classify", 1, ClassifyArgs, classify)
