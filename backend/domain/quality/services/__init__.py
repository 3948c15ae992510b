"""Quality services: defect codes, inspection plans, checks and gates, nonconformances, holds,
Pareto and SPC."""

from backend.domain.quality.services._analytics import defect_pareto, spc_chart
from backend.domain.quality.services._checks import checks_of, due_checks, record_check, require_gate_passed
from backend.domain.quality.services._defects import (
    create_defect_code,
    list_defect_codes,
    require_defect_code,
)
from backend.domain.quality.services._holds import active_holds, hold_lot, holds_of, place_hold, release_lot
from backend.domain.quality.services._nonconformances import (
    close_nonconformance,
    create_nonconformance,
    get_nonconformance,
    list_nonconformances,
    open_nonconformance,
)
from backend.domain.quality.services._plans import create_plan, get_plan, list_plans, plan_out

__all__ = [
    "active_holds",
    "checks_of",
    "close_nonconformance",
    "create_defect_code",
    "create_nonconformance",
    "create_plan",
    "defect_pareto",
    "due_checks",
    "get_nonconformance",
    "get_plan",
    "hold_lot",
    "holds_of",
    "list_defect_codes",
    "list_nonconformances",
    "list_plans",
    "open_nonconformance",
    "place_hold",
    "plan_out",
    "record_check",
    "release_lot",
    "require_defect_code",
    "require_gate_passed",
    "spc_chart",
]
