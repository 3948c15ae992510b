"""Rows to payloads, and the query-parameter checks the controllers share."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.domain.maintenance.models import (
    ChecklistTemplate,
    WorkOrder,
    WorkOrderChecklistItem,
    WorkOrderLabor,
)
from backend.domain.maintenance.rules import ItemKind
from backend.domain.maintenance.schemas import (
    AnswerValue,
    ChecklistItemOut,
    ChecklistTemplateOut,
    LaborOut,
    TemplateItemOut,
    WorkOrderDetail,
    WorkOrderOut,
)
from backend.lib.clock import Clock
from backend.lib.errors import ValidationFailed

DEFAULT_PERIOD = timedelta(days=30)


def wo_out(wo: WorkOrder) -> WorkOrderOut:
    return WorkOrderOut.of(wo)


def item_value(item: WorkOrderChecklistItem) -> AnswerValue:
    kind = ItemKind(item.kind)
    if kind is ItemKind.CHECKBOX:
        return item.value_bool
    if kind is ItemKind.PASS_FAIL:
        return None if item.value_bool is None else ("pass" if item.value_bool else "fail")
    if kind is ItemKind.NUMERIC:
        return item.value_number
    return item.value_text


def item_out(item: WorkOrderChecklistItem) -> ChecklistItemOut:
    return ChecklistItemOut.of(item, value=item_value(item))


def labor_out(entry: WorkOrderLabor) -> LaborOut:
    return LaborOut.of(entry)


def detail_out(
    wo: WorkOrder, checklist: list[WorkOrderChecklistItem], labor: list[WorkOrderLabor]
) -> WorkOrderDetail:
    return WorkOrderDetail.of(
        wo, checklist=[item_out(i) for i in checklist], labor=[labor_out(e) for e in labor]
    )


def template_out(template: ChecklistTemplate) -> ChecklistTemplateOut:
    return ChecklistTemplateOut.of(template, items=[TemplateItemOut.of(i) for i in template.items])


def aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(field, "needs a timezone (for example 2026-03-01T00:00:00Z)")
    return value


def period(start: datetime | None, end: datetime | None, clock: Clock) -> tuple[datetime, datetime]:
    """The asked period; the last 30 days up to now by default."""
    stop = aware(end, "end") or clock.now()
    begin = aware(start, "start") or stop - DEFAULT_PERIOD
    if stop <= begin:
        raise ValidationFailed("end", "the period must end after it starts")
    return begin, stop
