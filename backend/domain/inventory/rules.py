"""Pure stock arithmetic: the ledger's signs, balances, and when a withdrawal is allowed.

On hand is the sum of a (part, bin)'s movements; available is on hand minus open reservations.
Online, a withdrawal may not take more than is available (the caller's own reservation counts
as available to it). A delta that arrives late from an offline device is always kept; when it
leaves on hand below zero a discrepancy is raised instead.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass

# Quantities are floats (litres, metres, pieces); this absorbs binary rounding in sums.
EPSILON = 1e-9
DECIMALS = 6


class MovementKind(enum.StrEnum):
    RECEIPT = "receipt"
    ISSUE = "issue"
    RETURN = "return"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUSTMENT = "adjustment"


class ReservationStatus(enum.StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


class DiscrepancyStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


# Sign of the stored quantity per kind; adjustments carry their own sign.
INBOUND = frozenset({MovementKind.RECEIPT, MovementKind.RETURN, MovementKind.TRANSFER_IN})
OUTBOUND = frozenset({MovementKind.ISSUE, MovementKind.TRANSFER_OUT})


def tidy(value: float) -> float:
    """Round away float noise so balances read as the quantities people entered."""
    rounded = round(value, DECIMALS)
    return 0.0 if rounded == 0 else rounded


def signed(kind: MovementKind, quantity: float) -> float:
    """The ledger delta of a movement of `quantity` (positive for every kind but adjustments)."""
    if kind in INBOUND:
        return abs(quantity)
    if kind in OUTBOUND:
        return -abs(quantity)
    return quantity


def is_valid_quantity(value: float) -> bool:
    return math.isfinite(value) and value > EPSILON


@dataclass(frozen=True)
class Balance:
    on_hand: float = 0.0
    reserved: float = 0.0

    @property
    def available(self) -> float:
        return tidy(self.on_hand - self.reserved)

    def moved(self, delta: float) -> Balance:
        return Balance(tidy(self.on_hand + delta), self.reserved)

    def reserve(self, quantity: float) -> Balance:
        return Balance(self.on_hand, tidy(max(self.reserved + quantity, 0.0)))


@dataclass(frozen=True)
class Withdrawal:
    """The outcome of taking `quantity` out of a bin."""

    allowed: bool
    after: Balance
    consumed_reservation: float
    shortfall: float

    @property
    def overdrawn(self) -> bool:
        return self.shortfall > EPSILON


def withdraw(
    balance: Balance, quantity: float, *, own_reservation: float = 0.0, offline: bool = False
) -> Withdrawal:
    """Take `quantity` out, first from the caller's own reservation (`own_reservation`).

    Online the part not covered by the own reservation must fit in what is available;
    offline the withdrawal always happens and `shortfall` says how far on hand went below zero.
    """
    consumed = min(quantity, max(own_reservation, 0.0))
    after = Balance(tidy(balance.on_hand - quantity), tidy(max(balance.reserved - consumed, 0.0)))
    uncovered = quantity - consumed
    allowed = offline or uncovered <= balance.available + EPSILON
    shortfall = tidy(max(-after.on_hand, 0.0))
    return Withdrawal(allowed=allowed, after=after, consumed_reservation=tidy(consumed), shortfall=shortfall)


def fold(deltas: Iterable[float]) -> float:
    """On hand from a ledger: the sum of its signed deltas."""
    return tidy(math.fsum(deltas))


def reorder_quantity(available: float, reorder_point: float, reorder_quantity: float) -> float | None:
    """Suggest `reorder_quantity` once available stock is at or below the reorder point."""
    if available <= reorder_point + EPSILON:
        return reorder_quantity
    return None
