"""Framework-agnostic request handling: bytes in, (status, headers, bytes) out.

The backend's controllers authenticate the bearer device token first (401 when it fails), then
call `serve_push` / `serve_pull` with the token's device id; everything else (426 before full
decoding, 400 with the decoder's message, 403 on a foreign `client_id`, 409/410/503 bodies) is
decided here, identically for every host of the engine.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from sync import codec
from sync.engine import Engine, ScopeResolver
from sync.messages import Answer, BadRequest, Forbidden, PullRequest, PushRequest

TxT = TypeVar("TxT")
SnapT = TypeVar("SnapT")
AuthT = TypeVar("AuthT")


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    answer: Answer | None = None


def respond(answer: Answer) -> HttpAnswer:
    return HttpAnswer(codec.http_status(answer), codec.encode(answer), codec.headers_for(answer), answer)


def _decode(
    engine: Engine[Any, Any, Any], body: bytes, decoder: msgspec.json.Decoder[Any], *, schema: bool
) -> Any:
    """The request, or the answer refusing it (426 on versions, 400 on anything malformed)."""
    versions = engine.versions
    try:
        probe = codec.probe_decoder.decode(body)
    except msgspec.DecodeError as exc:
        return BadRequest(
            protocol_version=versions.protocol_version,
            schema_version=versions.schema_version,
            message=str(exc),
        )
    refusal = versions.check_protocol(probe.protocol_version)
    if refusal is None and schema:
        refusal = versions.check_schema(probe.schema_version)
    if refusal is not None:
        return refusal
    try:
        return decoder.decode(body)
    except msgspec.DecodeError as exc:
        return BadRequest(
            protocol_version=versions.protocol_version,
            schema_version=versions.schema_version,
            message=str(exc),
        )


def _forbidden(engine: Engine[Any, Any, Any]) -> Forbidden:
    return Forbidden(
        protocol_version=engine.versions.protocol_version,
        schema_version=engine.versions.schema_version,
        message="client_id does not match the device token",
    )


async def serve_push(
    engine: Engine[TxT, SnapT, AuthT], body: bytes, *, device_id: uuid.UUID, auth: AuthT
) -> HttpAnswer:
    request = _decode(engine, body, codec.push_request_decoder, schema=False)
    if not isinstance(request, PushRequest):
        return respond(request)
    if request.client_id != device_id:
        return respond(_forbidden(engine))
    return respond(await engine.push(request, auth))


async def serve_pull(
    engine: Engine[TxT, SnapT, AuthT],
    body: bytes,
    *,
    device_id: uuid.UUID,
    resolve_scope: ScopeResolver[SnapT],
) -> HttpAnswer:
    request = _decode(engine, body, codec.pull_request_decoder, schema=True)
    if not isinstance(request, PullRequest):
        return respond(request)
    if request.client_id != device_id:
        return respond(_forbidden(engine))
    return respond(await engine.pull(request, resolve_scope))
