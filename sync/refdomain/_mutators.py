"""The reference domain's mutators and their registration."""

from __future__ import annotations

import msgspec

from sync.errors import MutationRejected, TransientError
from sync.ledger import Delta, DeltaKey, post
from sync.memory import MemoryTx
from sync.merge import (
    ConflictRecord,
    Decision,
    FieldState,
    ResolveArgs,
    Writer,
    apply_outcome,
    merge_field,
    merge_row,
    resolution_edit,
)
from sync.refdomain._model import (
    WORKORDER_FIELDS,
    WORKORDER_POLICY,
    AdjustArgs,
    CommentArgs,
    Ctx,
    DeleteArgs,
    EditArgs,
    Empty,
    MoveArgs,
    RefAuth,
    RejectArgs,
    TxT,
    field_meta,
    field_states,
    lock_conflicts,
    locked,
    require_site,
    site_scope,
    write_conflicts,
)
from sync.registry import MutatorRegistry, Notice


async def edit_workorder(ctx: Ctx, args: EditArgs) -> Notice | None:
    unknown = sorted(set(args.fields) - WORKORDER_FIELDS)
    if unknown:
        raise MutationRejected("unknown_field", f"workorder has no field {unknown[0]!r}")
    row = await locked(ctx, "workorder", args.id)
    await require_site(ctx, row.data["site"])
    outcome = merge_row(
        WORKORDER_POLICY,
        entity_id=args.id,
        fields=field_states(row),
        edits=args.fields,
        row_version=row.version,
        client_id=ctx.client_id,
        mutation_id=ctx.mutation_id,
    )
    await lock_conflicts(ctx, outcome.conflicts)
    if outcome.applied:
        writer = Writer(ctx.client_id, ctx.mutation_id)
        states = apply_outcome(field_states(row), outcome, new_version=row.version + 1, writer=writer)
        data = {**row.data, **outcome.applied}
        ctx.tx.put("workorder", args.id, data, row.scopes, {**row.meta, "fields": field_meta(states)})
    write_conflicts(ctx, outcome.conflicts, row)
    if outcome.conflicts:
        names = ", ".join(c.field for c in outcome.conflicts)
        return Notice("conflict", f"another edit of {names} came first; both values are kept for review")
    if outcome.kept:
        return Notice("superseded", f"{', '.join(outcome.kept)} had already moved on")
    return None


async def move_workorder(ctx: Ctx, args: MoveArgs) -> Notice | None:
    row = await locked(ctx, "workorder", args.id)
    await require_site(ctx, row.data["site"])
    await require_site(ctx, args.site)
    if row.data["site"] == args.site:
        return None
    scopes = site_scope(args.site)
    ctx.tx.put("workorder", args.id, {**row.data, "site": args.site}, scopes, row.meta)
    for found in await ctx.tx.find("comment", "workorder_id", args.id):
        comment = await ctx.tx.get("comment", found.id, for_update=True)
        if comment is not None:
            ctx.tx.put("comment", comment.id, {**comment.data, "site": args.site}, scopes)
    return None


async def add_comment(ctx: Ctx, args: CommentArgs) -> Notice | None:
    workorder = await locked(ctx, "workorder", args.workorder_id)
    site = workorder.data["site"]
    await require_site(ctx, site)
    if await ctx.tx.get("comment", args.id, for_update=True) is not None:
        raise MutationRejected("exists", f"comment {args.id} already exists")
    data = {"workorder_id": args.workorder_id, "site": site, "text": args.text, "author": ctx.auth.user_id}
    ctx.tx.put("comment", args.id, data, site_scope(site))
    return None


async def delete_comment(ctx: Ctx, args: DeleteArgs) -> Notice | None:
    peek = await ctx.tx.get("comment", args.id)
    if peek is None:
        raise MutationRejected("not_found", f"comment {args.id} does not exist")
    await require_site(ctx, peek.data["site"])
    comment = await locked(ctx, "comment", args.id)
    await require_site(ctx, comment.data["site"])
    ctx.tx.delete("comment", args.id)
    return None


async def adjust_stock(ctx: Ctx, args: AdjustArgs) -> Notice | None:
    stock = await locked(ctx, "stock", args.id)
    await require_site(ctx, stock.data["site"])
    key = DeltaKey(ctx.client_id, ctx.mutation_id, 0)
    if await ctx.tx.get("ledger", str(key), for_update=True) is not None:
        return None
    posting = post(stock.data["balance"], Delta(key, args.id, args.delta))
    entry = {"account": args.id, "amount": args.delta, "balance_after": posting.balance_after}
    ctx.tx.put("ledger", str(key), {**entry, "overdraft": posting.overdraft}, frozenset())
    data = {
        **stock.data,
        "balance": posting.balance_after,
        "overdrafts": stock.data["overdrafts"] + int(posting.overdraft),
    }
    ctx.tx.put("stock", args.id, data, stock.scopes)
    if posting.overdraft:
        return Notice("overdraft", f"stock {args.id} is now {posting.balance_after}; flagged for review")
    return None


async def resolve_conflict(ctx: Ctx, args: ResolveArgs) -> Notice | None:
    peek = await ctx.tx.get("conflict", args.conflict_id)
    if peek is None:
        raise MutationRejected("not_found", f"conflict {args.conflict_id} does not exist")
    target = await locked(ctx, peek.data["entity"], peek.data["entity_id"])
    await require_site(ctx, target.data["site"])
    row = await locked(ctx, "conflict", args.conflict_id)
    record = msgspec.convert(row.data, ConflictRecord)
    if record.status != "open":
        raise MutationRejected("already_resolved", "this conflict was already resolved")
    edit = resolution_edit(record, args.choice, args.value)
    notice = None
    if edit is not None:
        decision = merge_field(
            entity=record.entity,
            entity_id=record.entity_id,
            name=record.field,
            policy=WORKORDER_POLICY.policy_for(record.field),
            server=field_states(target).get(record.field, FieldState(None)),
            edit=edit,
            row_version=target.version,
            client_id=ctx.client_id,
            mutation_id=ctx.mutation_id,
        )
        if decision.decision is Decision.APPLIED:
            writer = Writer(ctx.client_id, ctx.mutation_id)
            states = {
                **field_states(target),
                record.field: FieldState(decision.value, target.version + 1, writer),
            }
            data = {**target.data, record.field: decision.value}
            ctx.tx.put(
                record.entity,
                record.entity_id,
                data,
                target.scopes,
                {**target.meta, "fields": field_meta(states)},
            )
        elif decision.conflict is not None:
            await ctx.tx.lock("conflict", decision.conflict.id)
            write_conflicts(ctx, [decision.conflict], target)
            notice = Notice("conflict", f"{record.field} changed again; a new conflict was recorded")
    resolution = {
        "choice": args.choice,
        "value": args.value,
        "by": ctx.client_id,
        "mutation_id": ctx.mutation_id,
    }
    ctx.tx.put(
        "conflict", args.conflict_id, {**row.data, "status": "resolved", "resolution": resolution}, row.scopes
    )
    return notice


async def always_reject(ctx: Ctx, args: RejectArgs) -> Notice | None:
    ctx.tx.note("test.reject", ctx.mutation_id)
    raise MutationRejected(args.code, args.reason)


async def always_transient(ctx: Ctx, args: Empty) -> Notice | None:
    raise TransientError("the test dependency is down", retry_after_ms=2000)


def register_reference_domain(registry: MutatorRegistry[TxT, RefAuth]) -> MutatorRegistry[TxT, RefAuth]:
    registry.register("workorder.edit", 1, EditArgs, edit_workorder)
    registry.register("workorder.move", 1, MoveArgs, move_workorder)
    registry.register("comment.add", 1, CommentArgs, add_comment)
    registry.register("comment.delete", 1, DeleteArgs, delete_comment)
    registry.register("stock.adjust", 1, AdjustArgs, adjust_stock)
    registry.register("conflict.resolve", 1, ResolveArgs, resolve_conflict)
    registry.register("test.reject", 1, RejectArgs, always_reject)
    registry.register("test.transient", 1, Empty, always_transient)
    return registry


def reference_registry() -> MutatorRegistry[MemoryTx, RefAuth]:
    return register_reference_domain(MutatorRegistry[MemoryTx, RefAuth]())
