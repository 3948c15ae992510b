"""The storage-agnostic push/pull engine.

Push, exactly once and in order: for each mutation of the batch, in its own transaction, lock the
device's client row and read `last_mutation_id` (L):

- `id <= L` → answered from the stored result (`duplicate`), nothing re-applied;
- `id > L + 1` → a gap: stop and answer 409 `OutOfOrder(expected=L + 1)`;
- `id == L + 1` → run the mutator, advance L to `id` and store the result, all in this one
  transaction. A business or permission refusal (`MutationRejected`) rolls back the mutator's
  writes and is recorded as `rejected` in a new transaction that still advances L, so the queue
  never blocks. A `TransientError` aborts: 503, nothing of that mutation applied.

Pull: in one snapshot, recompute the device's scope, decide where the cursor resumes
(`sync.cursor.resume`), read one page (rows of a scope snapshot by key, then the change log from
the snapshot's watermark), and read `last_mutation_id` — all consistent with each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import msgspec

from sync.cursor import Cursor, Position, cut_page, encode_cursor, resume, scope_fingerprint
from sync.errors import MutationRejected, TransientError
from sync.messages import (
    BadRequest,
    Clear,
    MutationEnvelope,
    MutationResult,
    OutOfOrder,
    PatchOp,
    PullAnswer,
    PullRequest,
    PullResponse,
    PushAnswer,
    PushRequest,
    PushResponse,
    Put,
    ResetRequired,
    Unavailable,
    VersionNotSupported,
)
from sync.registry import MutationContext, MutatorRegistry, MutatorSpec, UnknownName, UnsupportedVersion
from sync.scope import classify
from sync.steps import (
    Gap,
    Order,
    Processed,
    RejectedInMutator,
    Step,
    VersionStop,
    duplicate_of,
    numbering_error,
    rejected,
)
from sync.store import ScopeKeys, Store
from sync.versions import VersionPolicy

TxT = TypeVar("TxT")
SnapT = TypeVar("SnapT")
AuthT = TypeVar("AuthT")

ScopeResolver = Callable[[SnapT], Awaitable[ScopeKeys]]
"""Computes the device's scope keys inside the pull's snapshot (from its token's user)."""


class Engine(Generic[TxT, SnapT, AuthT]):
    def __init__(
        self,
        store: Store[TxT, SnapT],
        registry: MutatorRegistry[TxT, AuthT],
        versions: VersionPolicy,
    ) -> None:
        self.store = store
        self.registry = registry
        self.versions = versions

    # --- push --------------------------------------------------------------------------------

    async def push(self, request: PushRequest, auth: AuthT) -> PushAnswer:
        refusal = self.versions.check_protocol(request.protocol_version)
        if refusal is not None:
            return refusal
        problem = numbering_error(request.mutations)
        if problem is not None:
            return self._bad_request(f"mutation ids must be consecutive: {problem}")
        client_id = str(request.client_id)
        results: list[MutationResult] = []
        last: int | None = None
        for envelope in request.mutations:
            try:
                step = await self._push_one(client_id, envelope, auth)
            except TransientError as exc:
                return Unavailable(
                    protocol_version=self.versions.protocol_version,
                    schema_version=self.versions.schema_version,
                    retry_after_ms=exc.retry_after_ms,
                    message=str(exc),
                )
            if isinstance(step, Gap):
                return self._out_of_order(step, results)
            if isinstance(step, VersionStop):
                return self._version_stop(step, results)
            results.append(step.result)
            last = step.last
        if last is None:
            last = await self._read_last(client_id)
        return PushResponse(
            protocol_version=self.versions.protocol_version,
            schema_version=self.versions.schema_version,
            results=results,
            last_mutation_id=last,
        )

    def sequence(self, mutation_id: int, last: int) -> Order:
        if mutation_id <= last:
            return "duplicate"
        if mutation_id > last + 1:
            return "gap"
        return "next"

    async def _push_one(self, client_id: str, envelope: MutationEnvelope, auth: AuthT) -> Step:
        try:
            return await self.apply(client_id, envelope, auth)
        except RejectedInMutator as refusal:
            return await self.record_rejection(client_id, envelope, refusal.result)

    async def apply(self, client_id: str, envelope: MutationEnvelope, auth: AuthT) -> Step:
        """One transaction: sequence check, mutator, advance, stored result."""
        async with self.store.transaction() as tx:
            admitted = await self.admit(tx, client_id, envelope)
            if isinstance(admitted, Processed | Gap | VersionStop):
                return admitted
            result = await self.run_mutator(tx, admitted, client_id, envelope, auth)
            await self.finish(tx, client_id, result)
            return Processed(result, envelope.id)

    async def admit(
        self, tx: TxT, client_id: str, envelope: MutationEnvelope
    ) -> Step | MutatorSpec[TxT, AuthT] | UnknownName:
        """Lock the client row and decide: answer a duplicate, stop at a gap or an unsupported
        version, or run this mutator."""
        last = await self.store.lock_client(tx, client_id)
        order = self.sequence(envelope.id, last)
        if order == "duplicate":
            stored = await self.store.load_result(tx, client_id, envelope.id)
            return Processed(duplicate_of(envelope.id, stored), last)
        if order == "gap":
            return Gap(expected=last + 1, got=envelope.id, last=last)
        spec = self.registry.lookup(envelope.name, envelope.version)
        if isinstance(spec, UnsupportedVersion):
            return VersionStop(spec, last)
        return spec

    async def finish(self, tx: TxT, client_id: str, result: MutationResult) -> None:
        """Advance `last_mutation_id` and store the result, in the mutation's transaction."""
        await self.store.advance_client(tx, client_id, result.id)
        await self.store.save_result(tx, client_id, result)

    async def run_mutator(
        self,
        tx: TxT,
        spec: MutatorSpec[TxT, AuthT] | UnknownName,
        client_id: str,
        envelope: MutationEnvelope,
        auth: AuthT,
    ) -> MutationResult:
        if isinstance(spec, UnknownName):
            return rejected(envelope.id, "unknown_mutation", f"unknown mutation {envelope.name!r}")
        try:
            args = spec.decoder.decode(envelope.args)
        except msgspec.DecodeError as exc:
            return rejected(envelope.id, "invalid_args", str(exc))
        context = MutationContext(
            tx=tx,
            auth=auth,
            client_id=client_id,
            mutation_id=envelope.id,
            name=envelope.name,
            version=envelope.version,
            client_ts=envelope.client_ts,
        )
        try:
            notice = await spec.run(context, args)
        except MutationRejected as exc:
            raise RejectedInMutator(rejected(envelope.id, exc.code, exc.reason)) from exc
        if notice is None:
            return MutationResult(id=envelope.id, status="applied")
        return MutationResult(id=envelope.id, status="applied", code=notice.code, reason=notice.reason)

    async def record_rejection(
        self, client_id: str, envelope: MutationEnvelope, result: MutationResult
    ) -> Step:
        """After the mutator's transaction rolled back: advance and store the rejection."""
        async with self.store.transaction() as tx:
            last = await self.store.lock_client(tx, client_id)
            order = self.sequence(envelope.id, last)
            if order == "duplicate":
                stored = await self.store.load_result(tx, client_id, envelope.id)
                return Processed(duplicate_of(envelope.id, stored), last)
            if order == "gap":
                return Gap(expected=last + 1, got=envelope.id, last=last)
            await self.finish(tx, client_id, result)
            return Processed(result, envelope.id)

    async def _read_last(self, client_id: str) -> int:
        async with self.store.snapshot() as snap:
            return await self.store.last_mutation_id(snap, client_id)

    def _out_of_order(self, gap: Gap, results: list[MutationResult]) -> OutOfOrder:
        return OutOfOrder(
            protocol_version=self.versions.protocol_version,
            schema_version=self.versions.schema_version,
            expected=gap.expected,
            got=gap.got,
            last_mutation_id=gap.last,
            results=results,
        )

    def _version_stop(self, stop: VersionStop, results: list[MutationResult]) -> VersionNotSupported:
        refusal = stop.refusal
        answer = self.versions.refuse(
            "mutation", refusal.version, refusal.min_supported, refusal.max_supported, name=refusal.name
        )
        answer.results = results
        answer.last_mutation_id = stop.last
        return answer

    def _bad_request(self, message: str) -> BadRequest:
        return BadRequest(
            protocol_version=self.versions.protocol_version,
            schema_version=self.versions.schema_version,
            message=message,
        )

    # --- pull --------------------------------------------------------------------------------

    async def pull(self, request: PullRequest, resolve_scope: ScopeResolver[SnapT]) -> PullAnswer:
        refusal = self.versions.check_protocol(request.protocol_version) or self.versions.check_schema(
            request.schema_version
        )
        if refusal is not None:
            return refusal
        try:
            return await self._pull(request, resolve_scope)
        except TransientError as exc:
            return Unavailable(
                protocol_version=self.versions.protocol_version,
                schema_version=self.versions.schema_version,
                retry_after_ms=exc.retry_after_ms,
                message=str(exc),
            )

    async def _pull(self, request: PullRequest, resolve_scope: ScopeResolver[SnapT]) -> PullAnswer:
        async with self.store.snapshot() as snap:
            scope = frozenset(await resolve_scope(snap))
            fingerprint = scope_fingerprint(scope)
            watermark = await self.store.watermark(snap)
            position = resume(
                request.cursor,
                epoch=self.store.epoch,
                schema_version=request.schema_version,
                scope=fingerprint,
                watermark=watermark,
                horizon=await self.store.horizon(snap),
            )
            if isinstance(position, str):
                return ResetRequired(
                    protocol_version=self.versions.protocol_version,
                    schema_version=self.versions.schema_version,
                    reason=position,
                    message="push your outbox, then pull again without a cursor",
                )
            last = await self.store.last_mutation_id(snap, str(request.client_id))
            ops, cursor, has_more = await self.read_page(snap, scope, position, request.page_size, watermark)
        full_cursor = Cursor(
            epoch=self.store.epoch,
            schema_version=request.schema_version,
            scope=fingerprint,
            phase=cursor.phase,
            change_id=cursor.change_id,
            after_entity=None if cursor.after is None else cursor.after[0],
            after_id=None if cursor.after is None else cursor.after[1],
        )
        return PullResponse(
            protocol_version=self.versions.protocol_version,
            schema_version=self.versions.schema_version,
            cursor=encode_cursor(full_cursor),
            last_mutation_id=last,
            ops=ops,
            has_more=has_more,
            reset=position.reset,
        )

    async def read_page(
        self, snap: SnapT, scope: ScopeKeys, position: Position, page_size: int, watermark: int
    ) -> tuple[list[PatchOp], Position, bool]:
        """One page from `position`: returns the ops, where the next page starts, and `has_more`."""
        ops: list[PatchOp] = [Clear()] if position.reset else []
        budget = page_size
        change_id = position.change_id
        if position.phase == "snapshot":
            rows = await self.store.scan_rows(snap, scope, position.after, budget + 1)
            if len(rows) > budget:
                ops.extend(
                    Put(entity=r.entity, id=r.id, version=r.version, data=r.data) for r in rows[:budget]
                )
                return ops, Position("snapshot", change_id, rows[budget - 1].key, False), True
            ops.extend(Put(entity=r.entity, id=r.id, version=r.version, data=r.data) for r in rows)
            budget -= len(rows)
            if budget == 0:
                return ops, Position("log", change_id, None, False), True
        refs = await self.store.changes_after(snap, change_id, scope, budget)
        cut = cut_page(refs, limit=budget, after=change_id, watermark=watermark)
        current = await self.store.read_rows(snap, cut.keys)
        ops.extend(classify(key, current.get(key), scope) for key in cut.keys)
        return ops, Position("log", cut.next_after, None, False), not cut.complete
