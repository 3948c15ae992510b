"""Deliberately broken engines and stores, one per known bug class, to prove the simulation
catches them. Nothing here may be used to serve devices.

- `NoDedupEngine`: applies a mutation again when its id is at or below `last_mutation_id`.
- `AckBeforeCommitEngine`: answers a mutation before its transaction commits; a crash while
  committing leaves the device holding an "applied" for something that never happened.
- `SplitLmidEngine`: advances `last_mutation_id` in a second transaction, after the effects.
- `WriteTimeIdStore`: stamps each change when the row is written (like a sequence default or an
  `updated_at`), not at commit, so a late commit lands behind a cursor that already moved on.
"""

from __future__ import annotations

import itertools
from contextvars import ContextVar

from sync.engine import Engine
from sync.memory import MemoryStore, MemoryTx, ServerCrashed
from sync.messages import MutationEnvelope, MutationResult, PushAnswer, PushRequest, PushResponse
from sync.refdomain import RefAuth
from sync.simulation._target import FaultHooks, MemoryTarget
from sync.steps import Order, Processed, Step
from sync.store import RowKey

BaseEngine = Engine[MemoryTx, MemoryStore, RefAuth]


class NoDedupEngine(BaseEngine):
    def sequence(self, mutation_id: int, last: int) -> Order:
        return "gap" if mutation_id > last + 1 else "next"


_sent: ContextVar[list[MutationResult]] = ContextVar("sent")


class AckBeforeCommitEngine(BaseEngine):
    async def push(self, request: PushRequest, auth: RefAuth) -> PushAnswer:
        sent: list[MutationResult] = []
        _sent.set(sent)
        try:
            return await super().push(request, auth)
        except ServerCrashed:
            if not sent:
                raise
            return PushResponse(
                protocol_version=self.versions.protocol_version,
                schema_version=self.versions.schema_version,
                results=sent,
                last_mutation_id=sent[-1].id,
            )

    async def finish(self, tx: MemoryTx, client_id: str, result: MutationResult) -> None:
        await super().finish(tx, client_id, result)
        _sent.get().append(result)


class SplitLmidEngine(BaseEngine):
    async def finish(self, tx: MemoryTx, client_id: str, result: MutationResult) -> None:
        await self.store.save_result(tx, client_id, result)

    async def apply(self, client_id: str, envelope: MutationEnvelope, auth: RefAuth) -> Step:
        return await self._advance_after(client_id, await super().apply(client_id, envelope, auth))

    async def record_rejection(
        self, client_id: str, envelope: MutationEnvelope, result: MutationResult
    ) -> Step:
        return await self._advance_after(
            client_id, await super().record_rejection(client_id, envelope, result)
        )

    async def _advance_after(self, client_id: str, step: Step) -> Step:
        if isinstance(step, Processed) and step.result.status != "duplicate":
            async with self.store.transaction() as tx:
                await self.store.lock_client(tx, client_id)
                await self.store.advance_client(tx, client_id, step.result.id)
        return step


class WriteTimeIdStore(MemoryStore):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._sequence = itertools.count(1)

    def on_write(self, tx: MemoryTx, key: RowKey) -> None:
        tx.stamps[key] = next(self._sequence)

    def commit_id(self, tx: MemoryTx, key: RowKey) -> int:
        return tx.stamps[key]


def no_dedup(hooks: FaultHooks) -> MemoryTarget:
    return MemoryTarget(hooks, engine_type=NoDedupEngine)


def ack_before_commit(hooks: FaultHooks) -> MemoryTarget:
    return MemoryTarget(hooks, engine_type=AckBeforeCommitEngine)


def split_lmid(hooks: FaultHooks) -> MemoryTarget:
    return MemoryTarget(hooks, engine_type=SplitLmidEngine)


def write_time_ids(hooks: FaultHooks) -> MemoryTarget:
    return MemoryTarget(hooks, store_type=WriteTimeIdStore)


BROKEN = {
    "no_dedup": no_dedup,
    "ack_before_commit": ack_before_commit,
    "split_lmid": split_lmid,
    "write_time_ids": write_time_ids,
}
