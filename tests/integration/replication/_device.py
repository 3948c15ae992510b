"""A device talking to the real sync endpoints: a durable outbox and a staged replica (the
reference client of `sync.client`), over the app's test client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.domain.people.models import Device as DeviceRow
from backend.domain.people.models import User
from backend.domain.people.services import token_hash
from sync import codec
from sync.client import Outbox, Replica
from sync.messages import Answer, MutationResult, PullResponse, PushRequest, PushResponse
from tests.factories import Factory

PROTOCOL = 1
SCHEMA = 1


@dataclass
class Device:
    http: AsyncTestClient[Litestar]
    token: str
    client_id: uuid.UUID
    user: User
    outbox: Outbox = field(default_factory=Outbox)
    replica: Replica = field(default_factory=Replica)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    async def post(self, path: str, body: Any) -> tuple[int, Answer]:
        raw = body if isinstance(body, bytes) else codec.encode(body)
        response = await self.http.post(path, content=raw, headers=self.headers)
        return response.status_code, codec.answer_decoder.decode(response.content)

    def queue(self, name: str, args: Any, version: int = 1) -> int:
        return self.outbox.enqueue(name, version, args).id

    async def push(self, limit: int = 100) -> tuple[int, Answer]:
        body = PushRequest(
            protocol_version=PROTOCOL,
            schema_version=SCHEMA,
            client_id=self.client_id,
            mutations=self.outbox.batch(limit),
        )
        status, answer = await self.post("/api/sync/push", body)
        if isinstance(answer, PushResponse):
            self.outbox.on_results(answer.results)
        return status, answer

    async def mutate(self, name: str, args: Any, version: int = 1) -> MutationResult:
        """Queue one mutation and push until it has its result."""
        mutation_id = self.queue(name, args, version)
        status, answer = await self.push()
        assert status == 200 and isinstance(answer, PushResponse), answer
        return next(r for r in answer.results if r.id == mutation_id)

    async def pull_page(self, cursor: str | None, page_size: int = 500) -> tuple[int, Answer]:
        body = {
            "protocol_version": PROTOCOL,
            "schema_version": SCHEMA,
            "client_id": str(self.client_id),
            "cursor": cursor,
            "page_size": page_size,
        }
        return await self.post("/api/sync/pull", body)

    async def sync(self, page_size: int = 500) -> list[PullResponse]:
        """Pull pages until a sequence is revealed."""
        pages = []
        for _ in range(1000):
            status, answer = await self.pull_page(self.replica.next_cursor(), page_size)
            assert status == 200 and isinstance(answer, PullResponse), (status, answer)
            pages.append(answer)
            revealed = self.replica.receive(answer)
            if revealed is not None:
                self.outbox.confirm(revealed.last_mutation_id)
                return pages
        raise AssertionError("the pull sequence never ended")

    def rows(self, entity: str) -> dict[str, dict[str, Any]]:
        return {key[1]: data for key, (_, data) in self.replica.rows.items() if key[0] == entity}

    def version(self, entity: str, row_id: Any) -> int:
        return self.replica.rows[(entity, str(row_id))][0]


async def device_for(factory: Factory, http: AsyncTestClient[Litestar], user: User) -> Device:
    token = await factory.token(user)
    row = await factory.session.scalar(select(DeviceRow).where(DeviceRow.token_hash == token_hash(token)))
    assert row is not None
    return Device(http, token, row.id, user)
