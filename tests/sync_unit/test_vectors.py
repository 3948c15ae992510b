"""Every shared vector, run against the Python implementation."""

from __future__ import annotations

import random
from typing import Any

import pytest

from sync.cursor import decode_cursor, scope_fingerprint
from sync.simulation import FaultHooks, MemoryTarget
from sync.vectors import FILES, case_id, cases, load
from sync.vectors import runners as run
from sync.vectors.compare import compare
from sync.vectors.transcript import run_transcript

MERGE = load("merge")
RULES = run.build_rules(MERGE["rules"])
CURSOR = load("cursor")
CLIENT = load("client")


def each(section: list[dict[str, Any]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", section, ids=[case_id(c) for c in section])


def test_every_vector_file_explains_its_format() -> None:
    assert all(load(name)["about"] for name in FILES)


@each(MERGE["cases"])
def test_merge_vector(case: dict[str, Any]) -> None:
    assert run.run_merge_case(case, RULES) == []


@each(MERGE["row_cases"])
def test_merge_row_vector(case: dict[str, Any]) -> None:
    assert run.run_merge_row_case(case, RULES) == []


@each(cases("ledger"))
def test_ledger_vector(case: dict[str, Any]) -> None:
    assert run.run_ledger_case(case) == []


@pytest.mark.parametrize("case", CURSOR["encoding"])
def test_cursor_encoding_vector(case: dict[str, Any]) -> None:
    assert run.run_encoding_case(case) == []


@pytest.mark.parametrize("token", CURSOR["unreadable"])
def test_unreadable_cursor_vector(token: str) -> None:
    assert decode_cursor(token) is None


@pytest.mark.parametrize("case", CURSOR["fingerprint"])
def test_scope_fingerprint_vector(case: dict[str, Any]) -> None:
    assert scope_fingerprint(case["scope"]) == case["fingerprint"]


@each(CURSOR["resume"])
def test_resume_vector(case: dict[str, Any]) -> None:
    assert run.run_resume_case(case) == []


@each(CURSOR["cut_page"])
def test_cut_page_vector(case: dict[str, Any]) -> None:
    assert run.run_cut_page_case(case) == []


@each(CURSOR["scope_diff"])
def test_scope_diff_vector(case: dict[str, Any]) -> None:
    assert run.run_scope_diff_case(case) == []


@each(CLIENT["reveal"])
def test_client_reveal_vector(case: dict[str, Any]) -> None:
    assert run.run_reveal_case(case) == []


@each(CLIENT["outbox"])
def test_client_outbox_vector(case: dict[str, Any]) -> None:
    assert run.run_outbox_case(case) == []


@each(cases("transcripts", "transcripts"))
async def test_transcript_vector(case: dict[str, Any]) -> None:
    target = MemoryTarget(FaultHooks(random.Random(0), jitter_p=0.0))
    assert await run_transcript(case, target) == []


def test_vector_wildcard_matches_any_value() -> None:
    assert compare({"a": "*", "b": 1}, {"a": [1, 2], "b": 1}) == []


def test_vector_comparison_tells_booleans_from_numbers() -> None:
    assert compare({"a": 1}, {"a": True}) != []


def test_vector_comparison_refuses_unexpected_fields() -> None:
    assert compare({"a": 1}, {"a": 1, "extra": 2}) != []
