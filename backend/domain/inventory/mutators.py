"""Offline mutations of inventory: parts a technician took for (or brought back from) a work order.

They travel as deltas keyed by the device and its mutation number (`stock_movements` is unique
on that key, so nothing counts twice) and call the same services as the API with
`offline_delta=True`: the parts were physically used, so a withdrawal that takes a bin below zero
is kept and flagged (a discrepancy for a supervisor, and an `overdraft` notice), never refused.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.db.offline import OfflineTx, occurred_clock
from backend.domain.inventory import services
from backend.domain.inventory.schemas import IssueCreate, Note, Quantity, ReturnCreate
from backend.domain.inventory.services import Posted
from backend.domain.maintenance.schemas import AwareDatetime
from backend.domain.people.roles import Actor
from backend.lib.schema import Input
from sync.registry import MutationContext, MutatorRegistry, Notice

Ctx = MutationContext[OfflineTx, Actor]


class StockArgs(Input):
    work_order_id: uuid.UUID
    part_id: uuid.UUID
    bin_id: uuid.UUID
    quantity: Quantity
    note: Note | None = None
    at: AwareDatetime | None = None


def _key(ctx: Ctx, args: StockArgs) -> dict[str, Any]:
    return {
        "offline_delta": True,
        "device_id": uuid.UUID(ctx.client_id),
        "mutation_id": ctx.mutation_id,
        "occurred_at": occurred_clock(ctx, args.at).now(),
    }


def _notice(posted: Posted) -> Notice | None:
    if posted.discrepancy is None:
        return None
    after = posted.discrepancy.on_hand_after
    return Notice("overdraft", f"the bin now shows {after:g} on hand; flagged for a stock check")


async def issue(ctx: Ctx, args: StockArgs) -> Notice | None:
    data = IssueCreate(
        work_order_id=args.work_order_id,
        part_id=args.part_id,
        bin_id=args.bin_id,
        quantity=args.quantity,
        note=args.note,
    )
    posted = await services.issue_to_work_order(
        ctx.tx.session, ctx.auth, data, ctx.tx.clock, **_key(ctx, args)
    )
    return _notice(posted)


async def give_back(ctx: Ctx, args: StockArgs) -> Notice | None:
    data = ReturnCreate(
        work_order_id=args.work_order_id,
        part_id=args.part_id,
        bin_id=args.bin_id,
        quantity=args.quantity,
        note=args.note,
    )
    await services.return_from_work_order(ctx.tx.session, ctx.auth, data, ctx.tx.clock, **_key(ctx, args))
    return None


def register(registry: MutatorRegistry[Any, Actor]) -> None:
    registry.register("stock.issue", 1, StockArgs, issue)
    registry.register("stock.return", 1, StockArgs, give_back)
