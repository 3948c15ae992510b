"""Offline mutations of quality: an operator records an in-process check from the line's tablet.

A check is a new record with the id the device minted, recorded in the next open sample slot by
the same service as the API; a failed one opens its nonconformance (and hold) there too.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec

from backend.db.offline import OfflineTx, occurred_clock
from backend.domain.people.roles import Actor
from backend.domain.quality import services
from backend.domain.quality.schemas import CheckIn, Measurement, Option
from backend.lib.schema import Input, ShortText
from sync.registry import MutationContext, MutatorRegistry, Notice

Ctx = MutationContext[OfflineTx, Actor]


class CheckArgs(Input):
    id: uuid.UUID
    operation_id: uuid.UUID
    characteristic_id: uuid.UUID
    values: Annotated[list[Measurement], msgspec.Meta(min_length=1, max_length=10)] | None = None
    passed: bool | None = None
    value: Option | None = None
    note: ShortText | None = None


async def check(ctx: Ctx, args: CheckArgs) -> Notice | None:
    data = CheckIn(
        characteristic_id=args.characteristic_id,
        values=args.values,
        passed=args.passed,
        value=args.value,
        note=args.note,
    )
    clock = occurred_clock(ctx, None)
    out = await services.record_check(
        ctx.tx.session, ctx.auth, args.operation_id, data, clock, check_id=args.id
    )
    if not out.passed:
        held = " and the lot is on hold" if out.lot_on_hold else ""
        return Notice("check_failed", f"{out.characteristic_name} failed: a nonconformance is open{held}")
    return None


def register(registry: MutatorRegistry[Any, Actor]) -> None:
    registry.register("quality.check", 1, CheckArgs, check)
