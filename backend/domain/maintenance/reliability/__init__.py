"""Reliability figures from work orders: MTTR, MTBF, failure Pareto, backlog and maintenance cost.

Definitions and a worked example: docs/reliability.md. Linked downtime (when a provider is
registered in `events.downtime_provider` or passed in) replaces a work order's own times.
"""

from backend.domain.maintenance.events import parts_cost_provider
from backend.domain.maintenance.reliability._costs import asset_costs, backlog, work_order_cost
from backend.domain.maintenance.reliability._failures import (
    CodeSlot,
    GroupBy,
    check_period,
    mtbf,
    mttr,
    pareto,
    repairs,
)
from backend.domain.maintenance.reliability._schemas import (
    AssetCostOut,
    BacklogOut,
    BacklogRow,
    MtbfRow,
    MttrOut,
    ParetoOut,
    WorkOrderCostOut,
)

__all__ = [
    "AssetCostOut",
    "BacklogOut",
    "BacklogRow",
    "CodeSlot",
    "GroupBy",
    "MtbfRow",
    "MttrOut",
    "ParetoOut",
    "WorkOrderCostOut",
    "asset_costs",
    "backlog",
    "check_period",
    "mtbf",
    "mttr",
    "pareto",
    "parts_cost_provider",
    "repairs",
    "work_order_cost",
]
