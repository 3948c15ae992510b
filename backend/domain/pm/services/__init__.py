"""Every PM rule that touches the database. Callers import from here.

The collector ingest feeds `record_meter_reading` (meters) and `record_signal_values`
(condition plans); `run_generator` is the periodic job.
"""

from backend.domain.meters.services import record_meter_reading
from backend.domain.pm.services.conditions import record_signal_values
from backend.domain.pm.services.generator import generate_plan, lock_plan, run_generator
from backend.domain.pm.services.plans import (
    create_plan,
    delete_plan,
    get_plan,
    list_plans,
    pause_plan,
    plan_assets,
    resume_plan,
    update_plan,
)
from backend.domain.pm.services.reports import compliance, get_occurrence, list_occurrences

__all__ = [
    "compliance",
    "create_plan",
    "delete_plan",
    "generate_plan",
    "get_occurrence",
    "get_plan",
    "list_occurrences",
    "list_plans",
    "lock_plan",
    "pause_plan",
    "plan_assets",
    "record_meter_reading",
    "record_signal_values",
    "resume_plan",
    "run_generator",
    "update_plan",
]
