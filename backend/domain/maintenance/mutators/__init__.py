"""Offline mutations of maintenance: what a technician does on the floor, sent later by the PWA.

Each mutator locks the work order it is about, merges the edited field where the field is merged
(status by the state machine's rule, checklist answers and failure codes surfaced as conflicts),
and calls the same services as the API with the device's actor. Times of things that happened
on the device (started, stopped, completed) are the device's, never later than the server's now.
"""

from __future__ import annotations

from typing import Any

from backend.db.offline import FieldRule
from backend.domain.maintenance.mutators._args import (
    ChecklistAnswerArgs,
    CommentArgs,
    FailureCodesArgs,
    HoldArgs,
    LaborAddArgs,
    RequestArgs,
    StatusArgs,
    TimerStartArgs,
    TimerStopArgs,
)
from backend.domain.maintenance.mutators._status import (
    STATUS_POLICY,
    complete,
    hold,
    read_status,
    resume,
    start,
    status_path,
    status_rule,
    write_status,
)
from backend.domain.maintenance.mutators._work import (
    checklist_answer,
    code_rule,
    comment,
    failure_codes,
    labor_add,
    read_answer,
    request,
    timer_start,
    timer_stop,
    write_answer,
)
from backend.domain.maintenance.replica import CHECKLIST_ITEM, CODE_SLOTS, WORKORDER
from backend.domain.people.roles import Actor
from sync.merge import SURFACE
from sync.registry import MutatorRegistry

FIELDS: tuple[FieldRule, ...] = (
    FieldRule(WORKORDER, "status", STATUS_POLICY, read_status, write_status),
    *(code_rule(slot) for slot in CODE_SLOTS),
    FieldRule(CHECKLIST_ITEM, "value", SURFACE, read_answer, write_answer),
)


def register(registry: MutatorRegistry[Any, Actor]) -> None:
    registry.register("workorder.start", 1, StatusArgs, start)
    registry.register("workorder.hold", 1, HoldArgs, hold)
    registry.register("workorder.resume", 1, StatusArgs, resume)
    registry.register("workorder.complete", 1, StatusArgs, complete)
    registry.register("workorder.checklist_answer", 1, ChecklistAnswerArgs, checklist_answer)
    registry.register("workorder.comment", 1, CommentArgs, comment)
    registry.register("workorder.labor_add", 1, LaborAddArgs, labor_add)
    registry.register("workorder.timer_start", 1, TimerStartArgs, timer_start)
    registry.register("workorder.timer_stop", 1, TimerStopArgs, timer_stop)
    registry.register("workorder.failure_codes", 1, FailureCodesArgs, failure_codes)
    registry.register("workorder.request", 1, RequestArgs, request)


__all__ = ["FIELDS", "STATUS_POLICY", "register", "status_path", "status_rule"]
