"""Machine facts into production and OEE (PM registers its own hooks in `backend.domain.pm.hooks`).

- good/scrap count deltas → `production.record_machine_counts` (machine-counted lines only; the
  delta's key is the idempotency key, so a repeated delivery never counts twice);
- OEE's ideal cycle time → the routings of the orders that ran on the machine or its line.

A hook runs inside the collector's ingest transaction: data production cannot use is logged and
left out rather than failing the whole batch.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines import events
from backend.domain.oee import providers
from backend.domain.production import services as production
from backend.lib.errors import DomainError

log = logging.getLogger("gemba.machines")

COUNT_ROLES = {"good_count": (1, 0), "scrap_count": (0, 1)}
MAX_KEY = 120


def count_key(key: str) -> str:
    """The delta's key as the ledger's idempotency key (long ones hashed to fit its column)."""
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


async def counts_to_production(session: AsyncSession, counted: list[events.Counted]) -> None:
    """Add each good or scrap delta to the production ledger of the machine's line."""
    skip: set[uuid.UUID] = set()
    for item in sorted(counted, key=lambda c: (c.at, c.key)):
        weights = COUNT_ROLES.get(item.role)
        if weights is None or item.delta <= 0 or item.asset_id in skip:
            continue
        try:
            outcome = await production.record_machine_counts(
                session,
                item.site_id,
                item.asset_id,
                weights[0] * item.delta,
                weights[1] * item.delta,
                item.at,
                count_key(item.key),
            )
        except DomainError as exc:
            log.debug("counts of asset %s left out of production: %s", item.asset_id, exc)
            skip.add(item.asset_id)
            continue
        if outcome.status == "ignored":
            skip.add(item.asset_id)


async def runs_of_orders(
    session: AsyncSession, asset_id: uuid.UUID, start: datetime, end: datetime
) -> list[providers.Run]:
    """The order operations that ran on the machine (or its line) in [start, end)."""
    try:
        runs = await production.runs_between(session, asset_id, start, end)
    except DomainError:
        return []
    return [(r.started_at, r.ended_at, r.ideal_cycle_s) for r in runs]


def register() -> None:
    if counts_to_production not in events.on_counts:
        events.on_counts.append(counts_to_production)
    if runs_of_orders not in providers.ideal_cycle_providers:
        providers.ideal_cycle_providers.append(runs_of_orders)


register()
