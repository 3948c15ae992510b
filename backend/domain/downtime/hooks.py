"""Downtime follows machine state changes as they are ingested."""

from __future__ import annotations

from backend.domain.downtime import services
from backend.domain.machines import events as machine_events

if services.on_state_changes not in machine_events.on_state_changes:
    machine_events.on_state_changes.append(services.on_state_changes)
