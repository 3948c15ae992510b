"""Counters as deltas: a ledger where each delta is keyed by the mutation that carried it.

Stock movements and production counts travel as deltas, never as absolute values, so edits from
many devices commute. Each delta has a `DeltaKey(client_id, mutation_id, index)` (index: its
position among the deltas of one mutation); posting the same key again is a no-op, so a retried
mutation can never count twice. A delta that takes an account below its floor is **kept and
flagged** as an overdraft (the physical event happened; dropping it would lose it).

`post` is the pure step the backend runs in the mutator's transaction (with a unique index on the
key); `Ledger` is the in-memory model used by tests and the reference store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True, order=True)
class DeltaKey:
    client_id: str
    mutation_id: int
    index: int = 0

    def __str__(self) -> str:
        return f"{self.client_id}:{self.mutation_id}:{self.index}"


@dataclass(frozen=True, slots=True)
class Delta:
    key: DeltaKey
    account: str
    amount: float
    """In the account's unit. Integers (pieces, millilitres…) keep sums exact; floats are accepted."""


@dataclass(frozen=True, slots=True)
class Posting:
    key: DeltaKey
    account: str
    amount: float
    balance_after: float
    overdraft: bool


class DeltaKeyReused(ValueError):
    """The same key arrived with another account or amount: a client bug, never merged silently."""


def post(balance: float, delta: Delta, *, floor: float = 0) -> Posting:
    """Post one delta onto `balance`. A decrease that ends below `floor` is flagged, not refused."""
    after = balance + delta.amount
    return Posting(
        key=delta.key,
        account=delta.account,
        amount=delta.amount,
        balance_after=after,
        overdraft=delta.amount < 0 and after < floor,
    )


def same_delta(posting: Posting, delta: Delta) -> bool:
    return posting.account == delta.account and posting.amount == delta.amount


class Ledger:
    """In-memory ledger: idempotent per key, balances as the sum of unique deltas."""

    def __init__(self, *, floor: float = 0) -> None:
        self._floor = floor
        self._postings: dict[DeltaKey, Posting] = {}
        self._balances: dict[str, float] = {}

    def apply(self, delta: Delta) -> tuple[Literal["applied", "duplicate"], Posting]:
        existing = self._postings.get(delta.key)
        if existing is not None:
            if not same_delta(existing, delta):
                raise DeltaKeyReused(f"delta {delta.key} reused with different content")
            return "duplicate", existing
        posting = post(self._balances.get(delta.account, 0), delta, floor=self._floor)
        self._postings[delta.key] = posting
        self._balances[delta.account] = posting.balance_after
        return "applied", posting

    def balance(self, account: str) -> float:
        return self._balances.get(account, 0)

    def balances(self) -> dict[str, float]:
        return dict(self._balances)

    def postings(self, account: str | None = None) -> list[Posting]:
        return [p for p in self._postings.values() if account is None or p.account == account]

    def overdrafts(self) -> list[Posting]:
        return [p for p in self._postings.values() if p.overdraft]

    def __len__(self) -> int:
        return len(self._postings)
