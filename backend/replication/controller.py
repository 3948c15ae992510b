"""`/api/sync/push`, `/api/sync/pull` and `/api/sync/events` (see `sync/PROTOCOL.md`).

Push and pull authenticate the device token themselves, so that every answer, a 401 included,
is a protocol message; `sync.http` decides the rest (426 before decoding the body further, 400,
403 on a foreign `client_id`). The event stream authenticates like every other endpoint (a
header, or `?access_token=` because it is a stream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from backend.domain.people import services as people
from backend.domain.people.roles import Actor
from backend.replication.scope import device_scope, nudge_keys, scope_of, scope_query
from backend.replication.service import SyncService, service_for
from backend.replication.store import SqlSnapshot, current_user
from sync.http import HttpAnswer, respond, serve_pull, serve_push
from sync.messages import Unauthorized
from sync.store import ScopeKeys

KEEPALIVE_SECONDS: Final = 25.0
NEWLINE: Final = "\n"
JSON: Final = "application/json"


async def _actor(request: Request[Any, Any, Any]) -> Actor | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    async with request.app.state.session_maker() as session:
        actor = await people.authenticate(session, request.app.state.clock, token.strip())
        await session.commit()
    return actor


def _response(answer: HttpAnswer) -> Response[bytes]:
    return Response(answer.body, status_code=answer.status, media_type=JSON, headers=dict(answer.headers))


def _unauthorized(service: SyncService) -> Response[bytes]:
    answer = Unauthorized(
        protocol_version=service.versions.protocol_version,
        schema_version=service.versions.schema_version,
        message="the device token is missing, unknown or revoked; sign in again",
    )
    reply = respond(answer)
    return Response(reply.body, status_code=401, media_type=JSON, headers={"WWW-Authenticate": "Bearer"})


class SyncController(Controller):
    path = "/api/sync"
    tags = ["sync"]

    @post("/push", exclude_from_auth=True, status_code=200)
    async def push(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Apply a device's queued mutations exactly once, in order (`PushRequest` → `PushResponse`)."""
        service = service_for(request.app)
        actor = await _actor(request)
        if actor is None or actor.device_id is None:
            return _unauthorized(service)
        body = await request.body()
        token = current_user.set(str(actor.user_id))
        try:
            answer = await serve_push(service.engine, body, device_id=actor.device_id, auth=actor)
        finally:
            current_user.reset(token)
        return _response(answer)

    @post("/pull", exclude_from_auth=True, status_code=200)
    async def pull(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Rows of the device's scope changed since its cursor (`PullRequest` → `PullResponse`)."""
        service = service_for(request.app)
        actor = await _actor(request)
        if actor is None or actor.device_id is None:
            return _unauthorized(service)
        user_id, client_id = actor.user_id, str(actor.device_id)

        async def scope(snap: SqlSnapshot) -> ScopeKeys:
            return scope_of(user_id, await service.store.preload(snap, client_id, scope_query(user_id)))

        body = await request.body()
        return _response(
            await serve_pull(service.engine, body, device_id=actor.device_id, resolve_scope=scope)
        )

    @get("/events")
    async def events(self, request: Request[Any, Any, Any], actor: Actor) -> ServerSentEvent:
        """Content-free `poke` events when something in the device's scope changed."""
        service = service_for(request.app)

        async def current() -> frozenset[str]:
            async with service.store.snapshot() as snap:
                return nudge_keys(actor.user_id, await device_scope(snap.conn, actor.user_id))

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            sub = service.hub.subscribe(await current())
            try:
                yield ServerSentEventMessage(data=None, comment="connected", sep=NEWLINE)
                while True:
                    if await sub.wait(KEEPALIVE_SECONDS):
                        if sub.rescope:
                            sub.rescope = False
                            sub.keys = await current()
                        yield ServerSentEventMessage(event="poke", data="{}", sep=NEWLINE)
                    else:
                        yield ServerSentEventMessage(data=None, comment="keepalive", sep=NEWLINE)
            finally:
                await service.hub.unsubscribe(sub)

        return ServerSentEvent(stream())
