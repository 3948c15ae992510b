"""Every inventory rule that touches the database.

Stock changes (`receive`, `issue_to_work_order`, `return_from_work_order`, `transfer`, `adjust`)
write ledger lines and keep the (part, bin) balance in step under a row lock. They all accept the
sync engine's delta key: `offline_delta=True, device_id=…, mutation_id=…` for a change made
offline; the same key applied again returns the first result (`Posted.replayed`).
"""

from __future__ import annotations

from backend.domain.inventory.services._catalog import (
    create_bin,
    create_part,
    create_storeroom,
    delete_part,
    get_bin,
    get_bin_by_label,
    get_part,
    get_part_by_label,
    get_storeroom,
    list_bins,
    list_parts,
    list_storerooms,
    update_bin,
    update_part,
    update_storeroom,
)
from backend.domain.inventory.services._consumption import (
    issue_to_work_order,
    issued_to,
    return_from_work_order,
)
from backend.domain.inventory.services._discrepancies import (
    get_discrepancy,
    list_discrepancies,
    resolve_discrepancy,
)
from backend.domain.inventory.services._ledger import Origin, Posted
from backend.domain.inventory.services._reports import (
    delete_reorder_point,
    ledger_on_hand,
    list_movements,
    list_reorder_points,
    parts_cost_by_work_order,
    parts_usage,
    reorder_suggestions,
    set_reorder_point,
    stock_lines,
)
from backend.domain.inventory.services._reservations import (
    get_reservation,
    list_reservations,
    release_for_work_order,
    release_open_reservations,
    release_reservation,
    reserve,
)
from backend.domain.inventory.services._stocking import adjust, receive, transfer
from backend.domain.inventory.services._workorders import get_work_order

__all__ = [
    "Origin",
    "Posted",
    "adjust",
    "create_bin",
    "create_part",
    "create_storeroom",
    "delete_part",
    "delete_reorder_point",
    "get_bin",
    "get_bin_by_label",
    "get_discrepancy",
    "get_part",
    "get_part_by_label",
    "get_reservation",
    "get_storeroom",
    "get_work_order",
    "issue_to_work_order",
    "issued_to",
    "ledger_on_hand",
    "list_bins",
    "list_discrepancies",
    "list_movements",
    "list_parts",
    "list_reorder_points",
    "list_reservations",
    "list_storerooms",
    "parts_cost_by_work_order",
    "parts_usage",
    "receive",
    "release_for_work_order",
    "release_open_reservations",
    "release_reservation",
    "reorder_suggestions",
    "reserve",
    "resolve_discrepancy",
    "return_from_work_order",
    "set_reorder_point",
    "stock_lines",
    "transfer",
    "update_bin",
    "update_part",
    "update_storeroom",
]
