"""What maintenance replicates to devices: work orders with their checklist, labor and comments
(the wire shapes of the REST API's outputs), and the failure codes to pick from offline.

Devices hold the work orders of their sites until they are verified, cancelled or rejected; then
the work order and its children leave (devices get `del`). Merged fields: a work order's status
(by the state machine's rule), its failure codes, and each checklist item's answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select

from backend.db.replica import Follows, Replica, Replicated, Touch, id_list, id_texts
from backend.domain.maintenance.models import (
    FailureCode,
    WorkOrder,
    WorkOrderAssignee,
    WorkOrderChecklistItem,
    WorkOrderComment,
    WorkOrderLabor,
)
from backend.domain.maintenance.rules import ItemKind, Status

WORKORDER = "workorder"
CHECKLIST_ITEM = "workorder_checklist_item"
LABOR = "workorder_labor"
COMMENT = "workorder_comment"
FAILURE_CODE = "failure_code"

OFF_DEVICE = (Status.VERIFIED.value, Status.CANCELLED.value, Status.REJECTED.value)
ON_DEVICE: ColumnElement[bool] = WorkOrder.status.not_in(OFF_DEVICE)
CODE_SLOTS = ("problem_code_id", "cause_code_id", "remedy_code_id")

_WO_FIELDS = [
    "id",
    "site_id",
    "number",
    "type",
    "status",
    "title",
    "description",
    "asset_id",
    "priority",
    "due_at",
    "estimated_hours",
    "requested_by",
    "approved_by",
    "completed_by",
    "verified_by",
    "rejection_reason",
    "hold_reason",
    "cancel_reason",
    "downtime_event_id",
    "pm_plan_id",
    "pm_occurrence_key",
    "checklist_template_id",
    "problem_code_id",
    "cause_code_id",
    "remedy_code_id",
    "created_at",
    "approved_at",
    "started_at",
    "completed_at",
    "verified_at",
    "cancelled_at",
    "version",
]


def _columns(model: type[Any], names: str) -> dict[str, ColumnElement[Any]]:
    return {name: getattr(model, name) for name in names.split()}


def _assignees() -> ColumnElement[Any]:
    """A work order's assignees, read with its row."""
    link = WorkOrderAssignee
    return select(id_list(link.user_id)).where(link.work_order_id == WorkOrder.id).scalar_subquery()


def _work_order(row: dict[str, Any]) -> None:
    row["assignee_ids"] = id_texts(row["assignee_ids"])


def answer_value(kind: str, value_bool: Any, value_number: Any, value_text: Any) -> Any:
    """A checklist answer as the API shows it (`pass`/`fail` for pass-fail checks)."""
    if kind == ItemKind.CHECKBOX:
        return value_bool
    if kind == ItemKind.PASS_FAIL:
        return None if value_bool is None else ("pass" if value_bool else "fail")
    if kind == ItemKind.NUMERIC:
        return value_number
    return value_text


def _answer(row: dict[str, Any]) -> None:
    row["value"] = answer_value(
        row["kind"], row.pop("value_bool"), row.pop("value_number"), row.pop("value_text")
    )


_FOLLOWS = Follows(parent=WorkOrder, fk="work_order_id", watched=("status",))


def _child(model: Any) -> tuple[tuple[Any, ColumnElement[bool]], ...]:
    return ((WorkOrder, WorkOrder.id == model.work_order_id),)


REPLICA = Replica(
    tables=(
        Replicated(
            entity=WORKORDER,
            model=WorkOrder,
            fields={**{name: getattr(WorkOrder, name) for name in _WO_FIELDS}, "assignee_ids": _assignees()},
            key=(WorkOrder.id,),
            site=WorkOrder.site_id,
            version=WorkOrder.version,
            active=ON_DEVICE,
            shape=_work_order,
            tracked={"status": ("status",), **{slot: (slot,) for slot in CODE_SLOTS}},
        ),
        Replicated(
            entity=CHECKLIST_ITEM,
            model=WorkOrderChecklistItem,
            fields=_columns(
                WorkOrderChecklistItem,
                "id work_order_id position kind label required unit lower_limit upper_limit "
                "value_bool value_number value_text out_of_limits answered_at answered_by version",
            ),
            key=(WorkOrderChecklistItem.id,),
            site=WorkOrderChecklistItem.site_id,
            version=WorkOrderChecklistItem.version,
            joins=_child(WorkOrderChecklistItem),
            active=ON_DEVICE,
            shape=_answer,
            follows=_FOLLOWS,
            tracked={"value": ("value_bool", "value_number", "value_text")},
        ),
        Replicated(
            entity=LABOR,
            model=WorkOrderLabor,
            fields=_columns(
                WorkOrderLabor, "id work_order_id user_id started_at ended_at minutes source note version"
            ),
            key=(WorkOrderLabor.id,),
            site=WorkOrderLabor.site_id,
            version=WorkOrderLabor.version,
            joins=_child(WorkOrderLabor),
            active=ON_DEVICE,
            follows=_FOLLOWS,
        ),
        Replicated(
            entity=COMMENT,
            model=WorkOrderComment,
            fields=_columns(WorkOrderComment, "id work_order_id author_id body created_at"),
            key=(WorkOrderComment.id,),
            site=WorkOrderComment.site_id,
            stamp=WorkOrderComment.created_at,
            joins=_child(WorkOrderComment),
            active=ON_DEVICE,
            follows=_FOLLOWS,
        ),
        Replicated(
            entity=FAILURE_CODE,
            model=FailureCode,
            fields=_columns(FailureCode, "id site_id asset_class kind code name active"),
            key=(FailureCode.id,),
            site=FailureCode.site_id,
            stamp=FailureCode.updated_at,
        ),
    ),
    touches=(Touch(model=WorkOrderAssignee, entity=WORKORDER, id_attr="work_order_id"),),
)
