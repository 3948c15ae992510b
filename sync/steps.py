"""What processing one pushed mutation can come to, and the small pure helpers around it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sync.messages import MutationEnvelope, MutationResult
from sync.registry import UnsupportedVersion

Order = Literal["duplicate", "gap", "next"]


@dataclass(frozen=True, slots=True)
class Processed:
    result: MutationResult
    last: int


@dataclass(frozen=True, slots=True)
class Gap:
    expected: int
    got: int
    last: int


@dataclass(frozen=True, slots=True)
class VersionStop:
    refusal: UnsupportedVersion
    last: int


Step = Processed | Gap | VersionStop


class RejectedInMutator(Exception):
    """Carries a mutator's refusal out of its transaction so that its writes roll back."""

    def __init__(self, result: MutationResult) -> None:
        super().__init__(result.code)
        self.result = result


def rejected(mutation_id: int, code: str, reason: str) -> MutationResult:
    return MutationResult(id=mutation_id, status="rejected", code=code, reason=reason)


def duplicate_of(mutation_id: int, stored: MutationResult | None) -> MutationResult:
    if stored is None:
        return MutationResult(id=mutation_id, status="duplicate")
    original = stored.status if stored.status != "duplicate" else stored.original
    return MutationResult(
        id=mutation_id, status="duplicate", code=stored.code, reason=stored.reason, original=original
    )


def numbering_error(mutations: Sequence[MutationEnvelope]) -> str | None:
    for index, envelope in enumerate(mutations[1:], start=1):
        if envelope.id != mutations[0].id + index:
            return f"$.mutations[{index}].id: expected {mutations[0].id + index}, got {envelope.id}"
    return None
