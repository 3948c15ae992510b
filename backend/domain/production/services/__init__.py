"""Production services: every production rule that touches the database.

For other contexts: `record_machine_counts` (collector ingest adds machine good/scrap deltas to
the count ledger) and, for OEE, `running_order_at` / `runs_between` (which order and ideal cycle
time ran on a line or machine), `ideal_cycle_at` and `ledger_counts` (shaped like the OEE
providers' ideal-cycle and count hooks).
"""

from backend.domain.production.services._catalog import (
    bom_of,
    create_product,
    list_products,
    replace_bom,
    update_product,
)
from backend.domain.production.services._common import (
    count_totals,
    counting_mode,
    get_line,
    get_operation,
    get_order,
    get_product,
    get_routing,
)
from backend.domain.production.services._counts import (
    MachineCountOutcome,
    counts_of,
    record_counts,
    record_machine_counts,
)
from backend.domain.production.services._execution import (
    complete_operation,
    labor,
    labor_of,
    pause_operation,
    start_operation,
)
from backend.domain.production.services._lines import line_settings, set_line_settings
from backend.domain.production.services._material import consume, material_of
from backend.domain.production.services._orders import (
    cancel_order,
    close_order,
    create_order,
    line_queue,
    list_orders,
    operation_outs,
    order_out,
    release_order,
)
from backend.domain.production.services._routings import (
    create_routing,
    list_routings,
    new_version,
    release_routing,
    replace_operations,
    routing_out,
)
from backend.domain.production.services._runtime import (
    RunningOrder,
    ideal_cycle_at,
    ledger_counts,
    running_order_at,
    runs_between,
)

__all__ = [
    "MachineCountOutcome",
    "RunningOrder",
    "bom_of",
    "cancel_order",
    "close_order",
    "complete_operation",
    "consume",
    "count_totals",
    "counting_mode",
    "counts_of",
    "create_order",
    "create_product",
    "create_routing",
    "get_line",
    "get_operation",
    "get_order",
    "get_product",
    "get_routing",
    "ideal_cycle_at",
    "labor",
    "labor_of",
    "ledger_counts",
    "line_queue",
    "line_settings",
    "list_orders",
    "list_products",
    "list_routings",
    "material_of",
    "new_version",
    "operation_outs",
    "order_out",
    "pause_operation",
    "record_counts",
    "record_machine_counts",
    "release_order",
    "release_routing",
    "replace_bom",
    "replace_operations",
    "routing_out",
    "running_order_at",
    "runs_between",
    "set_line_settings",
    "start_operation",
    "update_product",
]
