"""The server side of a simulation run: what the simulated devices talk to.

`SimTarget` is the seam for other storage: the in-memory `MemoryTarget` here, or a target the
backend builds on SQLite/PostgreSQL that hosts the same reference domain (`sync.refdomain`).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.engine import Engine
from sync.http import serve_pull, serve_push
from sync.memory import JournalEntry, MemoryStore, MemoryTx
from sync.messages import MutationResult
from sync.refdomain import RefAuth, Seed, reference_registry, scope_of_user, seed, set_user_sites
from sync.store import RowKey, ScopeKeys
from sync.versions import VersionPolicy

SCHEMA_VERSION = 1


@dataclass
class FaultHooks:
    """Server-side fault switches, driven by the run's seeded generator."""

    rng: random.Random
    jitter_p: float = 0.5
    max_jitter: int = 3
    crash_on_commit_p: float = 0.0
    crashes: bool = True
    injected_crashes: int = 0

    async def jitter(self) -> None:
        if self.rng.random() < self.jitter_p:
            for _ in range(self.rng.randint(1, self.max_jitter)):
                await asyncio.sleep(0)

    def crash_on_commit(self) -> bool:
        if self.crashes and self.crash_on_commit_p and self.rng.random() < self.crash_on_commit_p:
            self.injected_crashes += 1
            return True
        return False


@dataclass(frozen=True, slots=True)
class ServerView:
    """The committed server state at the end of a run.

    `journal` is the committed history in commit order: one `("mutation", client_id, mutation_id,
    status)` entry per stored mutation result and one `("grant", detail=(user, sites))` entry per
    change of a user's sites; the checker replays it on the reference store.
    """

    rows: dict[RowKey, tuple[int, dict[str, Any], ScopeKeys]]
    results: dict[tuple[str, int], MutationResult]
    journal: list[JournalEntry]
    last_mutation_ids: dict[str, int]

    def visible(self, scope: ScopeKeys) -> dict[RowKey, tuple[int, dict[str, Any]]]:
        return {k: (v, d) for k, (v, d, s) in self.rows.items() if not s.isdisjoint(scope)}


class SimTarget(Protocol):
    async def setup(self, spec: Seed) -> None: ...
    def register_device(self, token: str, client_id: uuid.UUID, user: str) -> None: ...
    async def push(self, body: bytes, token: str) -> tuple[int, bytes]: ...
    async def pull(self, body: bytes, token: str) -> tuple[int, bytes]: ...
    async def set_user_sites(self, user: str, sites: Iterable[str]) -> None: ...
    def restart(self) -> None: ...
    def compact(self, keep: int) -> None: ...
    async def inspect(self) -> ServerView: ...


TargetFactory = Callable[[FaultHooks], SimTarget]


@dataclass
class MemoryTarget:
    hooks: FaultHooks
    store_type: type[MemoryStore] = MemoryStore
    engine_type: type[Engine[MemoryTx, MemoryStore, RefAuth]] = Engine
    devices: dict[str, tuple[uuid.UUID, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.store = self.store_type(
            epoch="sim", jitter=self.hooks.jitter, crash_on_commit=self.hooks.crash_on_commit
        )
        versions = VersionPolicy(schema_version=SCHEMA_VERSION, schema_min=SCHEMA_VERSION)
        self.engine = self.engine_type(self.store, reference_registry(), versions)

    async def setup(self, spec: Seed) -> None:
        await seed(self.store, spec)

    def register_device(self, token: str, client_id: uuid.UUID, user: str) -> None:
        self.devices[token] = (client_id, user)

    async def push(self, body: bytes, token: str) -> tuple[int, bytes]:
        client_id, user = self.devices[token]
        answer = await serve_push(self.engine, body, device_id=client_id, auth=RefAuth(user))
        return answer.status, answer.body

    async def pull(self, body: bytes, token: str) -> tuple[int, bytes]:
        client_id, user = self.devices[token]

        async def scope(snap: MemoryStore) -> ScopeKeys:
            return scope_of_user(snap, user)

        answer = await serve_pull(self.engine, body, device_id=client_id, resolve_scope=scope)
        return answer.status, answer.body

    async def set_user_sites(self, user: str, sites: Iterable[str]) -> None:
        await set_user_sites(self.store, user, sites)

    def restart(self) -> None:
        self.store.restart()

    def compact(self, keep: int) -> None:
        self.store.compact(self.store.current_watermark - keep)

    async def inspect(self) -> ServerView:
        async with self.store.snapshot():
            rows = {r.key: (r.version, dict(r.data), r.scopes) for r in self.store.committed_rows()}
            return ServerView(rows, self.store.results(), list(self.store.journal), self.store.client_state())


def memory_target(hooks: FaultHooks) -> MemoryTarget:
    return MemoryTarget(hooks)
