"""Pure production rules: order and operation state machines, counting modes, the BOM balance."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from backend.lib.errors import IllegalTransition


class OrderStatus(enum.StrEnum):
    PLANNED = "planned"
    RELEASED = "released"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class OperationStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class RoutingStatus(enum.StrEnum):
    DRAFT = "draft"
    RELEASED = "released"
    SUPERSEDED = "superseded"


class CountingMode(enum.StrEnum):
    MANUAL = "manual"
    MACHINE = "machine"


_O = OrderStatus
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    _O.PLANNED: frozenset({_O.RELEASED, _O.CANCELLED}),
    _O.RELEASED: frozenset({_O.RUNNING, _O.CANCELLED}),
    # A running order is cancelled only between operations: a running operation is paused first,
    # so no operation is cut off mid-run (the service refuses it with 409).
    _O.RUNNING: frozenset({_O.PAUSED, _O.COMPLETED, _O.CANCELLED}),
    _O.PAUSED: frozenset({_O.RUNNING, _O.CANCELLED}),
    _O.COMPLETED: frozenset({_O.CLOSED}),
    _O.CLOSED: frozenset(),
    _O.CANCELLED: frozenset(),
}

_P = OperationStatus
OPERATION_TRANSITIONS: dict[OperationStatus, frozenset[OperationStatus]] = {
    _P.PENDING: frozenset({_P.RUNNING, _P.CANCELLED}),
    _P.RUNNING: frozenset({_P.PAUSED, _P.COMPLETED}),
    _P.PAUSED: frozenset({_P.RUNNING, _P.CANCELLED}),
    _P.COMPLETED: frozenset(),
    _P.CANCELLED: frozenset(),
}

# Orders whose operations appear in a line's queue.
DISPATCHED = frozenset({_O.RELEASED, _O.RUNNING, _O.PAUSED})
# Operations that accept counts, checks and material.
ACTIVE_OPERATION = frozenset({_P.RUNNING, _P.PAUSED})


def check_order_transition(current: str, wanted: OrderStatus) -> None:
    if wanted not in ORDER_TRANSITIONS[OrderStatus(current)]:
        raise IllegalTransition("production order", current, wanted.value)


def check_operation_transition(current: str, wanted: OperationStatus) -> None:
    if wanted not in OPERATION_TRANSITIONS[OperationStatus(current)]:
        raise IllegalTransition("operation", current, wanted.value)


# Quantities closer than this (relative to the expected figure) are a match.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class BomNeed:
    component_id: uuid.UUID
    sku: str
    qty_per_unit: float


@dataclass(frozen=True)
class BalanceLine:
    component_id: uuid.UUID
    sku: str
    qty_per_unit: float
    expected: float
    consumed: float

    @property
    def difference(self) -> float:
        return self.consumed - self.expected

    @property
    def matches(self) -> bool:
        return abs(self.difference) <= TOLERANCE * max(1.0, abs(self.expected))


@dataclass(frozen=True)
class MaterialWarning:
    code: str
    sku: str
    expected: float | None
    consumed: float
    message: str


def balance(needs: Iterable[BomNeed], consumed: dict[uuid.UUID, float], produced: int) -> list[BalanceLine]:
    """Expected = qty per unit × produced (good + scrap), per BOM component of the operation."""
    return [
        BalanceLine(
            n.component_id,
            n.sku,
            n.qty_per_unit,
            n.qty_per_unit * produced,
            consumed.get(n.component_id, 0.0),
        )
        for n in needs
    ]


def _fmt(x: float) -> str:
    return f"{x:g}"


def completion_warnings(lines: Iterable[BalanceLine], produced: int) -> list[MaterialWarning]:
    """At completion every component must match the BOM for what was produced."""
    out = []
    for line in lines:
        if not line.matches:
            word = "more" if line.difference > 0 else "less"
            out.append(
                MaterialWarning(
                    "bom_mismatch",
                    line.sku,
                    line.expected,
                    line.consumed,
                    f"{line.sku}: consumed {_fmt(line.consumed)}, {word} than the BOM's "
                    f"{_fmt(line.expected)} for {produced} produced ({_fmt(line.qty_per_unit)} per unit)",
                )
            )
    return out


def shortage_warnings(lines: Iterable[BalanceLine], produced: int) -> list[MaterialWarning]:
    """While running, only a shortage is worth a warning: material is consumed before it is used."""
    return [
        MaterialWarning(
            "material_short",
            line.sku,
            line.expected,
            line.consumed,
            f"{line.sku}: {produced} produced need {_fmt(line.expected)} but only "
            f"{_fmt(line.consumed)} was consumed",
        )
        for line in lines
        if line.difference < 0 and not line.matches
    ]


def consumption_warnings(
    lines: Iterable[BalanceLine], planned: int, consumed_sku: str, in_bom: bool, consumed_total: float
) -> list[MaterialWarning]:
    """When a lot is consumed: warn if its product is not in the BOM of the operation, or if the
    operation has now consumed more of it than the whole order needs."""
    if not in_bom:
        return [
            MaterialWarning(
                "not_in_bom",
                consumed_sku,
                None,
                consumed_total,
                f"{consumed_sku} is not in the BOM of this operation",
            )
        ]
    out = []
    for line in lines:
        if line.sku != consumed_sku:
            continue
        need = line.qty_per_unit * planned
        if line.consumed - need > TOLERANCE * max(1.0, need):
            out.append(
                MaterialWarning(
                    "over_consumption",
                    line.sku,
                    need,
                    line.consumed,
                    f"{line.sku}: consumed {_fmt(line.consumed)}, more than the {_fmt(need)} "
                    f"the order of {planned} needs",
                )
            )
    return out
