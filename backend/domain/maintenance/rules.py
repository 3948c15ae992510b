"""Pure maintenance rules: the work-order state machine, who may move it, priorities, checklist answers."""

from __future__ import annotations

import enum
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from backend.domain.people.roles import MAINTENANCE_ROLES, PLANNING_ROLES, Role
from backend.lib.errors import IllegalTransition, ValidationFailed


class Status(enum.StrEnum):
    REQUESTED = "requested"
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    DONE = "done"
    VERIFIED = "verified"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class WorkOrderType(enum.StrEnum):
    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"
    CONDITION_BASED = "condition_based"
    INSPECTION = "inspection"


class Priority(enum.StrEnum):
    EMERGENCY = "emergency"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class HoldReason(enum.StrEnum):
    WAITING_FOR_PARTS = "waiting_for_parts"
    WAITING_FOR_PRODUCTION = "waiting_for_production"
    WAITING_FOR_VENDOR = "waiting_for_vendor"
    WAITING_FOR_APPROVAL = "waiting_for_approval"
    SAFETY = "safety"
    OTHER = "other"


class ItemKind(enum.StrEnum):
    CHECKBOX = "checkbox"
    PASS_FAIL = "pass_fail"
    NUMERIC = "numeric"
    TEXT = "text"
    PHOTO_REQUIRED = "photo_required"


class CodeKind(enum.StrEnum):
    PROBLEM = "problem"
    CAUSE = "cause"
    REMEDY = "remedy"


# Lower rank sorts first: the order technicians work in.
PRIORITY_RANK: Mapping[str, int] = {
    Priority.EMERGENCY: 0,
    Priority.HIGH: 1,
    Priority.MEDIUM: 2,
    Priority.LOW: 3,
}

TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    Status.REQUESTED: frozenset({Status.OPEN, Status.REJECTED, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.ASSIGNED, Status.CANCELLED}),
    Status.ASSIGNED: frozenset({Status.OPEN, Status.IN_PROGRESS, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.ON_HOLD, Status.DONE, Status.CANCELLED}),
    Status.ON_HOLD: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
    Status.DONE: frozenset({Status.VERIFIED}),
    Status.VERIFIED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.REJECTED: frozenset(),
}

TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
# Work is finished (done counts, although a verification may still follow).
CLOSED = frozenset({Status.DONE, Status.VERIFIED})
# Approved work that is not finished: the backlog.
BACKLOG = frozenset({Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD})
# States in which the people on the work order record what they do.
EXECUTABLE = frozenset({Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD})
# The edges between open and assigned follow the assignee set; only `assign` walks them.
ASSIGNMENT_EDGES = frozenset({(Status.OPEN, Status.ASSIGNED), (Status.ASSIGNED, Status.OPEN)})
# Execution edges are walked by the people doing the work; the rest are planning decisions.
EXECUTION_TARGETS = frozenset({Status.IN_PROGRESS, Status.ON_HOLD, Status.DONE})


def check_transition(current: str, wanted: str) -> Status:
    """The wanted status when the graph has the edge, else IllegalTransition naming both."""
    try:
        now, target = Status(current), Status(wanted)
    except ValueError:
        raise IllegalTransition("work order", current, wanted) from None
    if target not in TRANSITIONS[now]:
        raise IllegalTransition("work order", current, wanted)
    return target


def roles_for(target: Status) -> frozenset[Role]:
    """Technicians execute; approving, rejecting, cancelling and verifying are planning decisions."""
    return MAINTENANCE_ROLES if target in EXECUTION_TARGETS else PLANNING_ROLES


def action_name(current: Status, target: Status) -> str:
    names = {
        Status.OPEN: "approve",
        Status.REJECTED: "reject",
        Status.ON_HOLD: "hold",
        Status.DONE: "complete",
        Status.VERIFIED: "verify",
        Status.CANCELLED: "cancel",
    }
    if target is Status.IN_PROGRESS:
        return "resume" if current is Status.ON_HOLD else "start"
    return names.get(target, target.value)


def out_of_limits(value: float, lower: float | None, upper: float | None) -> bool:
    """Limits are inclusive: a value on the limit is within it."""
    return (lower is not None and value < lower) or (upper is not None and value > upper)


@dataclass(frozen=True)
class Answer:
    value_bool: bool | None = None
    value_number: float | None = None
    value_text: str | None = None
    out_of_limits: bool = False


def parse_answer(
    kind: str, value: bool | float | str | None, lower: float | None, upper: float | None
) -> Answer:
    """Check an answer against its item's kind; numeric values outside the limits and failed
    pass/fail checks are flagged. `None` clears the answer."""
    if value is None:
        return Answer()
    item_kind = ItemKind(kind)
    if item_kind is ItemKind.CHECKBOX:
        if not isinstance(value, bool):
            raise ValidationFailed("value", "a checkbox takes true or false")
        return Answer(value_bool=value)
    if item_kind is ItemKind.PASS_FAIL:
        if isinstance(value, str) and value in {"pass", "fail"}:
            value = value == "pass"
        if not isinstance(value, bool):
            raise ValidationFailed("value", "a pass/fail check takes 'pass' or 'fail' (or true/false)")
        return Answer(value_bool=value, out_of_limits=not value)
    if item_kind is ItemKind.NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationFailed("value", "a numeric check takes a number")
        number = float(value)
        return Answer(value_number=number, out_of_limits=out_of_limits(number, lower, upper))
    if not isinstance(value, str):
        raise ValidationFailed("value", f"a {item_kind.value} item takes a string")
    if item_kind is ItemKind.PHOTO_REQUIRED:
        try:
            return Answer(value_text=str(uuid.UUID(value)))
        except ValueError:
            raise ValidationFailed("value", "a photo item takes the id of an attachment") from None
    text = value.strip()
    if len(text) > 2000:
        raise ValidationFailed("value", "a text answer holds at most 2000 characters")
    return Answer(value_text=text or None)


def is_answered(
    kind: str, value_bool: bool | None, value_number: float | None, value_text: str | None
) -> bool:
    """A required checkbox must be ticked; every other kind needs a value (a failed check counts)."""
    item_kind = ItemKind(kind)
    if item_kind is ItemKind.CHECKBOX:
        return value_bool is True
    if item_kind is ItemKind.PASS_FAIL:
        return value_bool is not None
    if item_kind is ItemKind.NUMERIC:
        return value_number is not None
    return bool(value_text)


def check_item_definition(
    kind: str, unit: str | None, lower: float | None, upper: float | None, field: str
) -> None:
    """Units and limits belong to numeric items only, and the lower limit may not exceed the upper."""
    if ItemKind(kind) is not ItemKind.NUMERIC:
        if unit is not None or lower is not None or upper is not None:
            raise ValidationFailed(field, "only numeric items have a unit and limits")
        return
    for name, limit in (("lower_limit", lower), ("upper_limit", upper)):
        if limit is not None and not math.isfinite(limit):
            raise ValidationFailed(f"{field}.{name}", "must be a finite number")
    if lower is not None and upper is not None and lower > upper:
        raise ValidationFailed(f"{field}.lower_limit", "the lower limit exceeds the upper limit")


def work_order_number(seq: int) -> str:
    return f"WO-{seq:06d}"
