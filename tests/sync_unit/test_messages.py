"""Wire messages: shapes, constraints, evolution and HTTP statuses."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest

from sync import codec
from sync.messages import (
    Answer,
    BadRequest,
    Clear,
    Del,
    Forbidden,
    MutationEnvelope,
    OutOfOrder,
    PullResponse,
    PushRequest,
    PushResponse,
    Put,
    ResetRequired,
    Unauthorized,
    Unavailable,
    VersionNotSupported,
)

CLIENT = "0190c0de-0000-7000-8000-000000000001"
V: dict[str, Any] = {"protocol_version": 1, "schema_version": 1}


def push_body(**mutation: object) -> bytes:
    envelope = {"id": 1, "name": "stock.adjust", "version": 1, "args": {"id": "st-1", "delta": 1}} | mutation
    return msgspec.json.encode({**V, "client_id": CLIENT, "mutations": [envelope]})


def test_push_request_round_trips_through_json() -> None:
    request = codec.push_request_decoder.decode(push_body())
    assert codec.push_request_decoder.decode(codec.encode(request)) == request


def test_mutation_arguments_stay_raw_json_until_their_mutator_decodes_them() -> None:
    request = codec.push_request_decoder.decode(push_body())
    assert msgspec.json.decode(request.mutations[0].args) == {"id": "st-1", "delta": 1}


def test_mutation_ids_start_at_one() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"mutations\[0\]\.id"):
        codec.push_request_decoder.decode(push_body(id=0))


def test_mutation_ids_stay_within_javascript_precision() -> None:
    with pytest.raises(msgspec.ValidationError):
        codec.push_request_decoder.decode(push_body(id=2**53))


@pytest.mark.parametrize("name", ["adjust", "Stock.adjust", "stock.", "stock adjust", "stock.adjust@1"])
def test_mutation_names_are_dotted_lowercase_words(name: str) -> None:
    with pytest.raises(msgspec.ValidationError, match="name"):
        codec.push_request_decoder.decode(push_body(name=name))


def test_client_timestamps_must_carry_a_time_zone() -> None:
    with pytest.raises(msgspec.ValidationError, match="client_ts"):
        codec.push_request_decoder.decode(push_body(client_ts="2026-01-05T10:00:00"))


def test_unknown_fields_are_ignored_so_newer_peers_can_append_fields() -> None:
    body = msgspec.json.encode({**V, "client_id": CLIENT, "mutations": [], "app_build": "2026.1"})
    assert codec.push_request_decoder.decode(body).mutations == []


def test_client_ids_are_uuids() -> None:
    body = msgspec.json.encode({**V, "client_id": "device-1", "mutations": []})
    with pytest.raises(msgspec.ValidationError, match="client_id"):
        codec.push_request_decoder.decode(body)


def test_answers_carry_their_type_first() -> None:
    answer = PushResponse(**V, results=[], last_mutation_id=0)
    assert codec.encode(answer).startswith(b'{"type":"push_response"')


def test_any_answer_decodes_with_the_answer_union() -> None:
    answer = OutOfOrder(**V, expected=2, got=3, last_mutation_id=1)
    assert codec.answer_decoder.decode(codec.encode(answer)) == answer


def test_patch_ops_are_tagged_by_op() -> None:
    page = PullResponse(
        **V,
        cursor="c1.x",
        last_mutation_id=0,
        ops=[
            Clear(),
            Put(entity="stock", id="st-1", version=1, data={"balance": 1}),
            Del(entity="stock", id="st-2"),
        ],
        has_more=False,
        reset=True,
    )
    ops = msgspec.json.decode(codec.encode(page))["ops"]
    assert [op["op"] for op in ops] == ["clear", "put", "del"]


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (PushResponse(**V, results=[], last_mutation_id=0), 200),
        (BadRequest(**V, message="bad"), 400),
        (Unauthorized(**V), 401),
        (Forbidden(**V), 403),
        (OutOfOrder(**V, expected=2, got=3, last_mutation_id=1), 409),
        (ResetRequired(**V, reason="retention"), 410),
        (VersionNotSupported(**V, kind="schema", got=0, min_supported=1, max_supported=1), 426),
        (Unavailable(**V, retry_after_ms=10), 503),
    ],
)
def test_each_answer_has_its_http_status(answer: Answer, status: int) -> None:
    assert codec.http_status(answer) == status


def test_unavailable_sets_retry_after_in_whole_seconds_rounded_up() -> None:
    assert codec.headers_for(Unavailable(**V, retry_after_ms=1500)) == [("Retry-After", "2")]


def test_envelopes_built_by_a_client_encode_their_arguments_verbatim() -> None:
    envelope = MutationEnvelope(id=1, name="stock.adjust", version=1, args=codec.encode_args({"id": "st-1"}))
    request = PushRequest(**V, client_id=uuid.UUID(CLIENT), mutations=[envelope])
    assert msgspec.json.decode(codec.encode(request))["mutations"][0]["args"] == {"id": "st-1"}
