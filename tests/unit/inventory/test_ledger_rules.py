"""The pure stock arithmetic: balances, withdrawals online and offline, reorder suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.inventory.rules import (
    EPSILON,
    Balance,
    MovementKind,
    fold,
    reorder_quantity,
    signed,
    withdraw,
)

quantities = st.integers(min_value=1, max_value=400).map(lambda n: n / 4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receipt"), quantities, st.just(False)),
        st.tuples(st.just("issue"), quantities, st.booleans()),
        st.tuples(st.just("reserve"), quantities, st.just(False)),
        st.tuples(st.just("adjust"), st.integers(-100, 100).map(lambda n: n / 4), st.booleans()),
    ),
    max_size=60,
)


@dataclass
class Bin:
    """A bin driven through the rules the way the services drive it."""

    balance: Balance = field(default_factory=Balance)
    ledger: list[float] = field(default_factory=list)
    offline_sent: int = 0
    offline_kept: int = 0
    discrepancies: int = 0

    def apply(self, kind: str, quantity: float, offline: bool) -> None:
        self.offline_sent += offline
        if kind == "receipt":
            self._book(signed(MovementKind.RECEIPT, quantity), offline)
        elif kind == "reserve":
            if quantity <= self.balance.available + EPSILON:
                self.balance = self.balance.reserve(quantity)
        elif kind == "adjust":
            after = self.balance.moved(quantity)
            if offline or after.on_hand >= -EPSILON:
                self._book(quantity, offline)
                self.discrepancies += after.on_hand < -EPSILON
        else:
            outcome = withdraw(self.balance, quantity, offline=offline)
            if outcome.allowed:
                self.ledger.append(signed(MovementKind.ISSUE, quantity))
                self.offline_kept += offline
                self.balance = outcome.after
                self.discrepancies += outcome.overdrawn

    def _book(self, delta: float, offline: bool) -> None:
        self.ledger.append(delta)
        self.offline_kept += offline
        self.balance = self.balance.moved(delta)


@given(operations)
def test_on_hand_is_always_the_sum_of_the_ledger(ops: list[tuple[str, float, bool]]) -> None:
    bin_ = Bin()
    for op in ops:
        bin_.apply(*op)
        assert bin_.balance.on_hand == pytest.approx(fold(bin_.ledger), abs=1e-6)


@given(operations)
def test_offline_deltas_are_never_dropped(ops: list[tuple[str, float, bool]]) -> None:
    bin_ = Bin()
    for op in ops:
        bin_.apply(*op)
    assert bin_.offline_kept == bin_.offline_sent


@given(operations)
def test_online_changes_alone_never_leave_a_bin_below_zero(ops: list[tuple[str, float, bool]]) -> None:
    bin_ = Bin()
    for kind, quantity, _offline in ops:
        before = bin_.balance
        bin_.apply(kind, quantity, False)
        assert bin_.balance.on_hand >= -EPSILON
        if kind in ("issue", "reserve") and bin_.balance != before:
            assert bin_.balance.available >= -EPSILON  # nobody takes what is reserved for others
    assert bin_.discrepancies == 0


@given(st.floats(0, 100), st.floats(0, 100), quantities)
def test_an_offline_withdrawal_is_flagged_exactly_when_it_overdraws(
    on_hand: float, reserved: float, quantity: float
) -> None:
    outcome = withdraw(Balance(on_hand, min(reserved, on_hand)), quantity, offline=True)
    assert outcome.allowed
    assert outcome.overdrawn == (on_hand - quantity < -EPSILON)
    assert outcome.shortfall == pytest.approx(max(quantity - on_hand, 0.0), abs=1e-6)


def test_an_online_withdrawal_may_use_its_own_reservation() -> None:
    balance = Balance(on_hand=3, reserved=3)
    assert not withdraw(balance, 2).allowed
    outcome = withdraw(balance, 2, own_reservation=2)
    assert outcome.allowed
    assert (outcome.after.on_hand, outcome.after.reserved, outcome.consumed_reservation) == (1, 1, 2)


def test_a_withdrawal_beyond_the_own_reservation_needs_free_stock() -> None:
    balance = Balance(on_hand=5, reserved=4)  # 2 reserved by the caller, 2 by someone else
    assert withdraw(balance, 3, own_reservation=2).allowed
    assert not withdraw(balance, 4, own_reservation=2).allowed


def test_signs_follow_the_kind_of_movement() -> None:
    assert [signed(k, 2) for k in MovementKind] == [2, -2, 2, -2, 2, 2]
    assert signed(MovementKind.ADJUSTMENT, -1.5) == -1.5


def test_float_noise_does_not_leak_into_balances() -> None:
    assert fold([0.1, 0.2, -0.3]) == 0.0
    assert Balance(0.1).moved(0.2).on_hand == 0.3


@pytest.mark.parametrize(("available", "expected"), [(6.0, None), (5.0, 12.0), (0.0, 12.0), (-2.0, 12.0)])
def test_reorder_is_suggested_at_or_below_the_reorder_point(available: float, expected: float | None) -> None:
    assert reorder_quantity(available, 5.0, 12.0) == expected
