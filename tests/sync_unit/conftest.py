"""Fixtures for the pure sync package: a reference store with its engine, and device helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from sync import codec
from sync.engine import Engine
from sync.memory import MemoryStore, MemoryTx
from sync.messages import MutationEnvelope, PullRequest, PullResponse, PushRequest
from sync.refdomain import RefAuth, Seed, reference_registry, scope_of_user, seed
from sync.store import ScopeKeys
from sync.versions import VersionPolicy

SEED = Seed(
    users={"u1": ("a",), "u2": ("a", "b")},
    workorders={"wo-1": "a", "wo-2": "b"},
    stock={"st-1": ("a", 2)},
)


@dataclass
class Device:
    """A device talking straight to the engine (no network), for engine-level tests."""

    engine: Engine[MemoryTx, MemoryStore, RefAuth]
    store: MemoryStore
    user: str
    client_id: uuid.UUID

    def envelope(self, id: int, name: str, args: Any, version: int = 1) -> MutationEnvelope:
        return MutationEnvelope(id=id, name=name, version=version, args=codec.encode_args(args))

    def push_request(self, *envelopes: MutationEnvelope) -> PushRequest:
        return PushRequest(
            protocol_version=1, schema_version=1, client_id=self.client_id, mutations=list(envelopes)
        )

    async def push(self, *envelopes: MutationEnvelope) -> Any:
        return await self.engine.push(self.push_request(*envelopes), RefAuth(self.user))

    async def pull(self, cursor: str | None = None, page_size: int = 100) -> Any:
        request = PullRequest(
            protocol_version=1, schema_version=1, client_id=self.client_id, cursor=cursor, page_size=page_size
        )

        async def scope(snap: MemoryStore) -> ScopeKeys:
            return scope_of_user(snap, self.user)

        return await self.engine.pull(request, scope)

    async def pull_all(self, cursor: str | None = None, page_size: int = 100) -> list[PullResponse]:
        pages = []
        while True:
            page = await self.pull(cursor, page_size)
            assert isinstance(page, PullResponse), page
            pages.append(page)
            cursor = page.cursor
            if not page.has_more:
                return pages


def make_engine(store: MemoryStore) -> Engine[MemoryTx, MemoryStore, RefAuth]:
    return Engine(store, reference_registry(), VersionPolicy(schema_version=1, schema_min=1))


@pytest.fixture
async def store() -> MemoryStore:
    memory = MemoryStore(epoch="test")
    await seed(memory, SEED)
    return memory


@pytest.fixture
def tech(store: MemoryStore) -> Device:
    return Device(make_engine(store), store, "u1", uuid.UUID(int=1))


@pytest.fixture
def lead(store: MemoryStore) -> Device:
    return Device(make_engine(store), store, "u2", uuid.UUID(int=2))
