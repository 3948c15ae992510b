"""Wire messages of the sync protocol (JSON bodies of `POST /api/sync/push` and `/api/sync/pull`).

Evolution rule: a message only ever gains fields, appended at the end, each with a default, so an
older peer still decodes it (unknown fields are ignored on decode). Anything else is a new
`PROTOCOL_VERSION`. Every message carries `protocol_version` and `schema_version`.

Requests are plain objects. Every response object carries a `type` tag, so a client can decode any
answer with one discriminated union whatever the HTTP status.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Final, Literal

import msgspec
from msgspec import Meta, Raw, Struct

PROTOCOL_VERSION: Final = 1
MAX_MUTATIONS_PER_PUSH: Final = 1000
MAX_PAGE_SIZE: Final = 5000
DEFAULT_PAGE_SIZE: Final = 500
MAX_SAFE_INTEGER: Final = 2**53 - 1
"""Integers on the wire stay within what a JavaScript number holds exactly."""

MUTATION_NAME_PATTERN: Final = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"

MutationName = Annotated[str, Meta(pattern=MUTATION_NAME_PATTERN, max_length=120)]
MutationId = Annotated[int, Meta(ge=1, le=MAX_SAFE_INTEGER)]
LastMutationId = Annotated[int, Meta(ge=0, le=MAX_SAFE_INTEGER)]
VersionNumber = Annotated[int, Meta(ge=0, le=2**31 - 1)]
ResultStatus = Literal["applied", "rejected", "duplicate"]
VersionKind = Literal["protocol", "schema", "mutation"]
ResetReason = Literal["retention", "epoch", "cursor_ahead"]


class _Response(Struct, kw_only=True, tag_field="type"):
    """Base of every answer: it carries the server's protocol and schema version."""

    protocol_version: VersionNumber
    schema_version: VersionNumber


# --- push ------------------------------------------------------------------------------------


class MutationEnvelope(Struct, kw_only=True):
    """One queued intent: `name@version` applied to `args`, numbered `id` by the device (1, 2, 3…)."""

    id: MutationId
    name: MutationName
    version: Annotated[int, Meta(ge=1, le=2**31 - 1)]
    args: Raw
    client_ts: Annotated[datetime, Meta(tz=True)] | None = None
    """Device clock when queued; kept for audit only, never used for ordering or merging."""


class PushRequest(Struct, kw_only=True):
    protocol_version: VersionNumber
    schema_version: VersionNumber
    client_id: uuid.UUID
    mutations: Annotated[list[MutationEnvelope], Meta(max_length=MAX_MUTATIONS_PER_PUSH)]


class MutationResult(Struct, kw_only=True):
    """The outcome of one mutation. `code`/`reason` explain a rejection (or a notice on success).

    A `duplicate` answers a mutation the server had already processed: `original` then carries the
    stored outcome (`None` when that stored result has passed retention).
    """

    id: MutationId
    status: ResultStatus
    code: str | None = None
    reason: str | None = None
    original: Literal["applied", "rejected"] | None = None


class PushResponse(_Response, tag="push_response"):
    results: list[MutationResult]
    last_mutation_id: LastMutationId


# --- pull ------------------------------------------------------------------------------------


class PullRequest(Struct, kw_only=True):
    protocol_version: VersionNumber
    schema_version: VersionNumber
    client_id: uuid.UUID
    cursor: Annotated[str, Meta(max_length=2048)] | None = None
    page_size: Annotated[int, Meta(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE


class Put(Struct, kw_only=True, tag="put", tag_field="op"):
    """The row exists in the device's scope with this content (replace, never merge)."""

    entity: str
    id: str
    version: int
    data: dict[str, Any]


class Del(Struct, kw_only=True, tag="del", tag_field="op"):
    """The row is gone for this device: deleted, or it left the device's scope."""

    entity: str
    id: str


class Clear(Struct, kw_only=True, tag="clear", tag_field="op"):
    """Start over: the rows that follow replace everything the device holds."""


PatchOp = Put | Del | Clear


class PullResponse(_Response, tag="pull_response"):
    cursor: str
    last_mutation_id: LastMutationId
    ops: list[PatchOp]
    has_more: bool
    reset: bool
    """True when this page starts a new sequence: drop staged pages; `ops` begins with `Clear`."""


# --- error answers ---------------------------------------------------------------------------


class OutOfOrder(_Response, tag="out_of_order"):
    """409: the batch skipped a number. Mutations before the gap were processed (see `results`)."""

    expected: MutationId
    got: MutationId
    last_mutation_id: LastMutationId
    results: list[MutationResult] = msgspec.field(default_factory=list)


class VersionNotSupported(_Response, tag="version_not_supported"):
    """426: a protocol, schema or mutation version outside what this server supports.

    For `kind == "mutation"`, `name` is the mutation and `results` holds the mutations before it
    that were processed; the device keeps the rest queued until it is updated.
    """

    kind: VersionKind
    got: int
    min_supported: int
    max_supported: int
    name: str | None = None
    message: str = ""
    results: list[MutationResult] = msgspec.field(default_factory=list)
    last_mutation_id: LastMutationId | None = None


class ResetRequired(_Response, tag="reset_required"):
    """410: the cursor cannot be continued. Push the whole outbox, then pull with `cursor: null`."""

    reason: ResetReason
    message: str = ""


class BadRequest(_Response, tag="bad_request"):
    """400: the body is not a valid message; `message` says what and where."""

    message: str


class Unauthorized(_Response, tag="unauthorized"):
    """401: missing, unknown or revoked device token."""

    message: str = ""


class Forbidden(_Response, tag="forbidden"):
    """403: the token's device is not the `client_id` of the body."""

    message: str = ""


class Unavailable(_Response, tag="unavailable"):
    """503: a transient server failure; nothing of the failing mutation was applied. Retry later."""

    retry_after_ms: int
    message: str = ""


class VersionProbe(Struct):
    """The two fields a server reads first, so that it can answer 426 to any future body shape."""

    protocol_version: int = 0
    schema_version: int = 0


ErrorAnswer = (
    OutOfOrder | VersionNotSupported | ResetRequired | BadRequest | Unauthorized | Forbidden | Unavailable
)
PushAnswer = (
    PushResponse | OutOfOrder | VersionNotSupported | BadRequest | Unauthorized | Forbidden | Unavailable
)
PullAnswer = (
    PullResponse | ResetRequired | VersionNotSupported | BadRequest | Unauthorized | Forbidden | Unavailable
)
Answer = PushResponse | PullResponse | ErrorAnswer
