"""Downtime follows machine state changes as they are ingested, raises tickets through
maintenance, takes its reason from closed work orders and feeds MTTR/MTBF."""

from __future__ import annotations

from backend.domain.downtime import services, tickets
from backend.domain.machines import events as machine_events
from backend.domain.maintenance import events as maintenance_events

if services.on_state_changes not in machine_events.on_state_changes:
    machine_events.on_state_changes.append(services.on_state_changes)
if tickets.raise_ticket not in services.ticket_raisers:
    services.ticket_raisers.append(tickets.raise_ticket)
if tickets.reason_from_work_order not in maintenance_events.on_closed:
    maintenance_events.on_closed.append(tickets.reason_from_work_order)
if tickets.downtime_of_work_orders not in maintenance_events.downtime_provider:
    maintenance_events.downtime_provider.append(tickets.downtime_of_work_orders)
