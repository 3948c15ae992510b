"""Genealogy services: lots, traces, recall reports and shipments."""

from backend.domain.genealogy.services._lots import (
    AVAILABLE,
    DEPLETED,
    IN_PROCESS,
    finish_produced_lot,
    get_lot,
    get_lot_by_number,
    link_lots,
    list_lots,
    lot_of_operation,
    lot_out,
    lots_of_operations,
    receive_lot,
    require_usable,
    start_produced_lot,
    take,
)
from backend.domain.genealogy.services._shipments import (
    create_shipment,
    get_shipment,
    list_shipments,
    shipment_out,
)
from backend.domain.genealogy.services._trace import MAX_DEPTH, recall_report, trace_backward, trace_forward

__all__ = [
    "AVAILABLE",
    "DEPLETED",
    "IN_PROCESS",
    "MAX_DEPTH",
    "create_shipment",
    "finish_produced_lot",
    "get_lot",
    "get_lot_by_number",
    "get_shipment",
    "link_lots",
    "list_lots",
    "list_shipments",
    "lot_of_operation",
    "lot_out",
    "lots_of_operations",
    "recall_report",
    "receive_lot",
    "require_usable",
    "shipment_out",
    "start_produced_lot",
    "take",
    "trace_backward",
    "trace_forward",
]
