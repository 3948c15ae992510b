"""Reusable JSON encoder and decoders for the wire messages, and the HTTP status of each answer.

Decoders are built once at import; msgspec validates types and constraints while decoding, so a
decoded message is a valid message. Decode errors are `msgspec.DecodeError` (its subclass
`msgspec.ValidationError` names the offending path, e.g. `$.mutations[0].id`).
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

import msgspec

from sync.messages import (
    Answer,
    BadRequest,
    Forbidden,
    OutOfOrder,
    PullAnswer,
    PullRequest,
    PullResponse,
    PushAnswer,
    PushRequest,
    PushResponse,
    ResetRequired,
    Unauthorized,
    Unavailable,
    VersionNotSupported,
    VersionProbe,
)

T = TypeVar("T")

encoder: Final = msgspec.json.Encoder()
push_request_decoder: Final = msgspec.json.Decoder(PushRequest)
pull_request_decoder: Final = msgspec.json.Decoder(PullRequest)
push_answer_decoder: Final = msgspec.json.Decoder(PushAnswer)
pull_answer_decoder: Final = msgspec.json.Decoder(PullAnswer)
answer_decoder: Final = msgspec.json.Decoder(Answer)
probe_decoder: Final = msgspec.json.Decoder(VersionProbe)

_STATUS: Final[dict[type[Any], int]] = {
    PushResponse: 200,
    PullResponse: 200,
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    OutOfOrder: 409,
    ResetRequired: 410,
    VersionNotSupported: 426,
    Unavailable: 503,
}


def encode(message: Any) -> bytes:
    return encoder.encode(message)


def encode_args(args: Any) -> msgspec.Raw:
    """Mutation arguments as a raw JSON value for `MutationEnvelope.args`."""
    return msgspec.Raw(encoder.encode(args))


def decode_args(raw: msgspec.Raw | bytes, type_: type[T]) -> T:
    return msgspec.json.decode(raw, type=type_)


def to_builtins(message: Any) -> Any:
    """A message as plain JSON values (dicts, lists, str, int…), e.g. to compare with a vector."""
    return msgspec.json.decode(encoder.encode(message))


def http_status(answer: Answer) -> int:
    return _STATUS[type(answer)]


def headers_for(answer: Answer) -> list[tuple[str, str]]:
    """Extra HTTP headers an answer carries (`Retry-After` on 503, in whole seconds, at least 1)."""
    if isinstance(answer, Unavailable):
        return [("Retry-After", str(max(1, -(-answer.retry_after_ms // 1000))))]
    return []
