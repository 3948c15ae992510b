"""Offline mutations of production: an operator runs an operation from the line's tablet.

Start, pause (with a reason), resume and complete call the same services as the API with the
device's actor, at the moment the device says it happened. Counts travel as deltas: each one is
posted to the count ledger with the idempotency key of its device and mutation number, so a
delivery repeated for any reason counts once. A machine-counted line refuses manual counts, and
an operation whose quality gate is not passed refuses to complete, each with the server's reason.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.db.offline import OfflineTx, occurred_clock
from backend.domain.people.roles import Actor
from backend.domain.production import services
from backend.domain.production.schemas import AwareDateTime, Count, CountIn, PauseIn
from backend.lib.schema import Code, Input, ShortText
from sync.registry import MutationContext, MutatorRegistry, Notice

Ctx = MutationContext[OfflineTx, Actor]


class OperationArgs(Input):
    operation_id: uuid.UUID
    at: AwareDateTime | None = None


class PauseArgs(Input):
    operation_id: uuid.UUID
    reason: Code
    note: ShortText | None = None
    at: AwareDateTime | None = None


class CountsArgs(Input):
    operation_id: uuid.UUID
    good: Count = 0
    scrap: Count = 0
    defect_code: Code | None = None
    note: ShortText | None = None
    at: AwareDateTime | None = None


def ledger_key(ctx: Ctx) -> str:
    """The count ledger's idempotency key of a device's mutation."""
    return f"sync:{ctx.client_id}:{ctx.mutation_id}"


async def start(ctx: Ctx, args: OperationArgs) -> Notice | None:
    clock = occurred_clock(ctx, args.at)
    await services.start_operation(ctx.tx.session, ctx.auth, args.operation_id, clock)
    return None


async def pause(ctx: Ctx, args: PauseArgs) -> Notice | None:
    clock = occurred_clock(ctx, args.at)
    data = PauseIn(reason=args.reason, note=args.note)
    await services.pause_operation(ctx.tx.session, ctx.auth, args.operation_id, data, clock)
    return None


async def resume(ctx: Ctx, args: OperationArgs) -> Notice | None:
    clock = occurred_clock(ctx, args.at)
    await services.start_operation(ctx.tx.session, ctx.auth, args.operation_id, clock)
    return None


async def counts(ctx: Ctx, args: CountsArgs) -> Notice | None:
    clock = occurred_clock(ctx, args.at)
    data = CountIn(
        good=args.good,
        scrap=args.scrap,
        defect_code=args.defect_code,
        idempotency_key=ledger_key(ctx),
        at=clock.now(),
        note=args.note,
    )
    await services.record_counts(ctx.tx.session, ctx.auth, args.operation_id, data, ctx.tx.clock)
    return None


async def complete(ctx: Ctx, args: OperationArgs) -> Notice | None:
    clock = occurred_clock(ctx, args.at)
    result = await services.complete_operation(ctx.tx.session, ctx.auth, args.operation_id, clock)
    if result.warnings:
        return Notice("material", "; ".join(w.message for w in result.warnings))
    return None


def register(registry: MutatorRegistry[Any, Actor]) -> None:
    registry.register("production.operation_start", 1, OperationArgs, start)
    registry.register("production.operation_pause", 1, PauseArgs, pause)
    registry.register("production.operation_resume", 1, OperationArgs, resume)
    registry.register("production.counts", 1, CountsArgs, counts)
    registry.register("production.operation_complete", 1, OperationArgs, complete)
