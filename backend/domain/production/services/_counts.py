"""The count ledger: manual entries from operators and machine deltas from the collector.

A line counts either manually or by machine. On a machine-counted line an operator cannot add
good or scrap units (that would count them twice); the only manual entry it accepts is a
reclassification that moves units from good to scrap with a defect code, leaving the total as the
machine counted it. Machine deltas for a manually counted line are ignored (not stored).
Every entry carries an idempotency key: a repeated delivery is answered, not counted again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.production.models import CountEvent, OrderOperation, Product
from backend.domain.production.rules import ACTIVE_OPERATION, CountingMode, shortage_warnings
from backend.domain.production.schemas import CountEventOut, CountIn, CountRecordedOut, WarningOut
from backend.domain.production.services._common import (
    count_totals,
    counting_mode,
    get_operation,
    get_order,
    line_of,
)
from backend.domain.production.services._material import balance_of
from backend.domain.production.services._runtime import operation_on_asset_at
from backend.domain.quality import services as quality
from backend.lib.clock import Clock, utcnow
from backend.lib.errors import Conflict, NotFound, ValidationFailed
from backend.lib.ids import uuid7


@dataclass(frozen=True)
class MachineCountOutcome:
    """`recorded`: a new ledger row; `duplicate`: the key was seen, nothing added; `ignored`:
    the line counts manually, so machine counts are not stored (`reason` says why)."""

    status: Literal["recorded", "duplicate", "ignored"]
    event: CountEvent | None
    reason: str | None = None


async def _by_key(session: AsyncSession, key: str) -> CountEvent | None:
    rows = await session.execute(select(CountEvent).where(CountEvent.idempotency_key == key))
    return rows.scalar_one_or_none()


def _same(event: CountEvent, good: int, scrap: int, operation_id: uuid.UUID | None, kind: str) -> bool:
    return (event.good, event.scrap, event.kind) == (good, scrap, kind) and (
        operation_id is None or event.operation_id == operation_id
    )


async def record_machine_counts(
    session: AsyncSession,
    site_id: uuid.UUID,
    asset_id: uuid.UUID,
    good_delta: int,
    scrap_delta: int,
    at: datetime,
    idempotency_key: str,
    *,
    clock: Clock | None = None,
) -> MachineCountOutcome:
    """Add machine-counted units of a line or machine asset to the ledger, attributed to the
    operation running on it at `at` (none: the counts are kept without an order)."""
    if good_delta < 0 or scrap_delta < 0:
        raise ValidationFailed("good_delta", "machine deltas are never negative")
    if good_delta == 0 and scrap_delta == 0:
        raise ValidationFailed("good_delta", "nothing to count")
    if at.tzinfo is None:
        raise ValidationFailed("at", "a timezone-aware time is needed")
    if not idempotency_key or len(idempotency_key) > 120:
        raise ValidationFailed("idempotency_key", "1 to 120 characters")
    existing = await _by_key(session, idempotency_key)
    if existing is not None:
        if existing.source == "machine" and _same(existing, good_delta, scrap_delta, None, "count"):
            return MachineCountOutcome("duplicate", existing)
        raise Conflict("the idempotency key was already used for different counts")
    asset = (
        await session.execute(select(Asset).where(Asset.id == asset_id, Asset.site_id == site_id))
    ).scalar_one_or_none()
    if asset is None:
        raise NotFound("asset not found")
    line = await line_of(session, asset)
    if line is None:
        raise ValidationFailed("asset_id", "the asset belongs to no line")
    if await counting_mode(session, line.id) != CountingMode.MACHINE:
        return MachineCountOutcome("ignored", None, f"line {line.code} is counted manually")
    op = await operation_on_asset_at(session, asset, line, at)
    event = CountEvent(
        site_id=site_id,
        line_id=line.id,
        machine_id=None if asset.id == line.id else asset.id,
        order_id=op.order_id if op else None,
        operation_id=op.id if op else None,
        product_id=await _product_of(session, op),
        good=good_delta,
        scrap=scrap_delta,
        source="machine",
        kind="count",
        at=at,
        recorded_at=(clock.now() if clock else utcnow()),
        idempotency_key=idempotency_key,
    )
    session.add(event)
    await session.flush()
    return MachineCountOutcome("recorded", event)


async def _product_of(session: AsyncSession, op: OrderOperation | None) -> uuid.UUID | None:
    if op is None:
        return None
    order = await get_order(session, op.order_id)
    return order.product_id


async def record_counts(
    session: AsyncSession, actor: Actor, operation_id: uuid.UUID, data: CountIn, clock: Clock
) -> CountRecordedOut:
    """An operator's good and scrap entry (scrap needs a defect code of the product's family)."""
    actor.require_role(PRODUCTION_ROLES, "record counts")
    op = await get_operation(session, operation_id)
    order = await get_order(session, op.order_id)
    kind = "reclassification" if data.reclassify else "count"
    good, scrap = (-data.scrap, data.scrap) if data.reclassify else (data.good, data.scrap)
    if data.idempotency_key is not None:
        existing = await _by_key(session, data.idempotency_key)
        if existing is not None:
            if existing.source == "manual" and _same(existing, good, scrap, op.id, kind):
                return await _recorded(session, op, existing, duplicate=True)
            raise Conflict("the idempotency key was already used for different counts")
    if op.status not in ACTIVE_OPERATION:
        raise Conflict(f"operation is {op.status}; counts are recorded on a running or paused operation")
    if data.good == 0 and data.scrap == 0:
        raise ValidationFailed("good", "count at least one unit")
    if data.scrap > 0 and data.defect_code is None:
        raise ValidationFailed("defect_code", "scrap needs a defect code")
    if data.scrap == 0 and data.defect_code is not None:
        raise ValidationFailed("defect_code", "a defect code goes with scrap units")
    product = await session.get(Product, order.product_id)
    assert product is not None
    if data.defect_code is not None:
        await quality.require_defect_code(session, product.site_id, product.family, data.defect_code)
    totals = (await count_totals(session, [op.id]))[op.id]
    if data.reclassify:
        if data.good:
            raise ValidationFailed(
                "good", "a reclassification moves scrap units out of good; leave good at 0"
            )
        if totals[0] < data.scrap:
            raise ValidationFailed("scrap", f"only {totals[0]} good units can be reclassified")
    elif await counting_mode(session, op.line_id) == CountingMode.MACHINE:
        raise Conflict(
            "this line is machine-counted: good and scrap come from the machine; to move good units "
            "to scrap, record a reclassification (reclassify: true)",
            counting_mode=CountingMode.MACHINE.value,
        )
    event = CountEvent(
        site_id=op.site_id,
        line_id=op.line_id,
        order_id=order.id,
        operation_id=op.id,
        product_id=order.product_id,
        good=good,
        scrap=scrap,
        defect_code=data.defect_code,
        source="manual",
        kind=kind,
        at=data.at or clock.now(),
        recorded_at=clock.now(),
        user_id=actor.user_id,
        idempotency_key=data.idempotency_key or str(uuid7()),
        note=data.note,
    )
    session.add(event)
    await session.flush()
    return await _recorded(session, op, event, duplicate=False)


async def _recorded(
    session: AsyncSession, op: OrderOperation, event: CountEvent, *, duplicate: bool
) -> CountRecordedOut:
    good, scrap = (await count_totals(session, [op.id]))[op.id]
    order = await get_order(session, op.order_id)
    lines = await balance_of(session, op, order, good + scrap)
    return CountRecordedOut(
        event=CountEventOut.of(event),
        duplicate=duplicate,
        good=good,
        scrap=scrap,
        warnings=[WarningOut(**w.__dict__) for w in shortage_warnings(lines, good + scrap)],
    )


async def counts_of(session: AsyncSession, operation_id: uuid.UUID) -> list[CountEvent]:
    await get_operation(session, operation_id)
    rows = await session.execute(
        select(CountEvent)
        .where(CountEvent.operation_id == operation_id)
        .order_by(CountEvent.at, CountEvent.id)
    )
    return list(rows.scalars())
