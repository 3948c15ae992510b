"""The delta ledger: idempotent per key, balances as sums, overdrafts kept and flagged."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.ledger import Delta, DeltaKey, DeltaKeyReused, Ledger, post

PROPERTY = settings(max_examples=60, deadline=None)

keys = st.builds(
    DeltaKey, st.sampled_from(["dev-a", "dev-b", "dev-c"]), st.integers(1, 30), st.integers(0, 2)
)
unique_deltas = st.lists(
    st.builds(Delta, keys, st.sampled_from(["bolt", "belt"]), st.integers(-9, 9)),
    max_size=25,
    unique_by=lambda d: d.key,
)


def sums(deltas: list[Delta]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for delta in deltas:
        totals[delta.account] += delta.amount
    return dict(totals)


@PROPERTY
@given(unique_deltas, st.data())
def test_retries_never_count_a_delta_twice(deltas: list[Delta], data: st.DataObject) -> None:
    retries = data.draw(st.lists(st.sampled_from(deltas), max_size=20)) if deltas else []
    deliveries = data.draw(st.permutations(deltas + retries))
    ledger = Ledger()
    for delta in deliveries:
        ledger.apply(delta)
    assert ledger.balances() == sums(deltas)


@PROPERTY
@given(unique_deltas, st.data())
def test_balances_do_not_depend_on_arrival_order(deltas: list[Delta], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(deltas))
    first, second = Ledger(), Ledger()
    for delta in deltas:
        first.apply(delta)
    for delta in shuffled:
        second.apply(delta)
    assert first.balances() == second.balances()


@PROPERTY
@given(unique_deltas)
def test_every_delta_is_kept_including_overdrafts(deltas: list[Delta]) -> None:
    ledger = Ledger()
    for delta in deltas:
        ledger.apply(delta)
    assert len(ledger) == len(deltas)


@PROPERTY
@given(unique_deltas, st.integers(-5, 5))
def test_a_delta_is_flagged_iff_it_decreases_below_the_floor(deltas: list[Delta], floor: int) -> None:
    ledger = Ledger(floor=floor)
    for delta in deltas:
        ledger.apply(delta)
    for posting in ledger.postings():
        assert posting.overdraft == (posting.amount < 0 and posting.balance_after < floor)


@PROPERTY
@given(unique_deltas)
def test_a_duplicate_answers_with_the_original_posting(deltas: list[Delta]) -> None:
    ledger = Ledger()
    originals = [ledger.apply(d)[1] for d in deltas]
    assert [ledger.apply(d) for d in deltas] == [("duplicate", p) for p in originals]


def test_a_key_reused_for_another_amount_is_refused() -> None:
    ledger = Ledger()
    ledger.apply(Delta(DeltaKey("dev-a", 1), "bolt", 5))
    with pytest.raises(DeltaKeyReused):
        ledger.apply(Delta(DeltaKey("dev-a", 1), "bolt", 6))


def test_posting_is_a_pure_step_on_a_balance() -> None:
    posting = post(2, Delta(DeltaKey("dev-a", 1), "bolt", -5))
    assert (posting.balance_after, posting.overdraft) == (-3, True)


def test_delta_keys_print_as_client_mutation_and_index() -> None:
    assert str(DeltaKey("dev-a", 7, 1)) == "dev-a:7:1"
