"""What runs where and when, for OEE: the order and ideal cycle time of a line or machine at a
time, and its good/scrap from the count ledger.

An operation runs on its work center (a line or a machine). Asked about a machine, the answer is
an operation on that machine or on its line as a whole; asked about a line, any operation of that
line. Between start and end an operation may be paused; a running operation wins over a paused one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.assets.rules import Level
from backend.domain.production.models import (
    CountEvent,
    OperationPause,
    OrderOperation,
    Product,
    ProductionOrder,
)
from backend.domain.production.rules import CountingMode
from backend.domain.production.services._common import counting_mode, line_of
from backend.lib.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class RunningOrder:
    """An operation of a production order on a line or machine, with its ideal cycle time
    (seconds per unit) and the pauses (start, end or None) inside its run."""

    order_id: uuid.UUID
    order_number: str
    operation_id: uuid.UUID
    operation_seq: int
    operation_name: str
    product_id: uuid.UUID
    product_sku: str
    line_id: uuid.UUID
    work_center_id: uuid.UUID
    ideal_cycle_s: float
    started_at: datetime
    ended_at: datetime | None
    paused: bool
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()


def _on_asset(asset: Asset, line: Asset | None) -> ColumnElement[bool]:
    if asset.level == Level.LINE:
        return OrderOperation.line_id == asset.id
    if line is None:
        return OrderOperation.work_center_id == asset.id
    return or_(OrderOperation.work_center_id == asset.id, OrderOperation.work_center_id == line.id)


async def _candidates(
    session: AsyncSession, asset: Asset, line: Asset | None, start: datetime, end: datetime
) -> list[OrderOperation]:
    """Operations on the asset whose run overlaps [start, end] (a point when start == end)."""
    rows = await session.execute(
        select(OrderOperation)
        .where(
            _on_asset(asset, line),
            OrderOperation.started_at.is_not(None),
            OrderOperation.started_at <= end,
            or_(OrderOperation.ended_at.is_(None), OrderOperation.ended_at > start),
        )
        .order_by(OrderOperation.started_at)
    )
    return list(rows.scalars())


async def _pauses(
    session: AsyncSession, operation_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[datetime, datetime | None]]]:
    out: dict[uuid.UUID, list[tuple[datetime, datetime | None]]] = {i: [] for i in operation_ids}
    if operation_ids:
        rows = await session.execute(
            select(OperationPause.operation_id, OperationPause.started_at, OperationPause.ended_at)
            .where(OperationPause.operation_id.in_(operation_ids))
            .order_by(OperationPause.started_at)
        )
        for op_id, s, e in rows.tuples():
            out[op_id].append((s, e))
    return out


def _paused_at(pauses: list[tuple[datetime, datetime | None]], at: datetime) -> bool:
    return any(s <= at and (e is None or e > at) for s, e in pauses)


async def operation_on_asset_at(
    session: AsyncSession, asset: Asset, line: Asset | None, at: datetime
) -> OrderOperation | None:
    ops = await _candidates(session, asset, line, at, at)
    if not ops:
        return None
    pauses = await _pauses(session, [op.id for op in ops])
    running = [op for op in ops if not _paused_at(pauses[op.id], at)]
    return (running or ops)[-1]


async def _asset(session: AsyncSession, asset_id: uuid.UUID) -> tuple[Asset, Asset | None]:
    asset = (await session.execute(select(Asset).where(Asset.id == asset_id))).scalar_one_or_none()
    if asset is None:
        raise NotFound("asset not found")
    if asset.level not in (Level.LINE, Level.MACHINE):
        raise ValidationFailed("asset_id", "ask about a line or a machine")
    return asset, await line_of(session, asset)


async def _describe(
    session: AsyncSession, ops: list[OrderOperation], at: datetime | None
) -> list[RunningOrder]:
    if not ops:
        return []
    pauses = await _pauses(session, [op.id for op in ops])
    rows = await session.execute(
        select(ProductionOrder.id, ProductionOrder.number, Product.id, Product.sku)
        .join(Product, Product.id == ProductionOrder.product_id)
        .where(ProductionOrder.id.in_({op.order_id for op in ops}))
    )
    orders = {oid: (number, pid, sku) for oid, number, pid, sku in rows.tuples()}
    out = []
    for op in ops:
        number, product_id, sku = orders[op.order_id]
        assert op.started_at is not None
        out.append(
            RunningOrder(
                order_id=op.order_id,
                order_number=number,
                operation_id=op.id,
                operation_seq=op.seq,
                operation_name=op.name,
                product_id=product_id,
                product_sku=sku,
                line_id=op.line_id,
                work_center_id=op.work_center_id,
                ideal_cycle_s=op.ideal_cycle_s,
                started_at=op.started_at,
                ended_at=op.ended_at,
                paused=_paused_at(pauses[op.id], at) if at is not None else False,
                pauses=tuple(pauses[op.id]),
            )
        )
    return out


async def running_order_at(session: AsyncSession, asset_id: uuid.UUID, at: datetime) -> RunningOrder | None:
    """The order (operation) running on a line or machine at `at`, with its ideal cycle time;
    a paused one (paused=True) when none runs; None when the asset was idle."""
    asset, line = await _asset(session, asset_id)
    op = await operation_on_asset_at(session, asset, line, at)
    if op is None:
        return None
    return (await _describe(session, [op], at))[0]


async def runs_between(
    session: AsyncSession, asset_id: uuid.UUID, start: datetime, end: datetime
) -> list[RunningOrder]:
    """Every operation run on a line or machine overlapping [start, end), oldest first."""
    asset, line = await _asset(session, asset_id)
    ops = [op for op in await _candidates(session, asset, line, start, end) if op.started_at != end]
    return await _describe(session, ops, None)


async def ideal_cycle_at(session: AsyncSession, asset_id: uuid.UUID, at: datetime) -> float | None:
    """Seconds per unit of the operation running on a line or machine at `at` (None: idle)."""
    running = await running_order_at(session, asset_id, at)
    return running.ideal_cycle_s if running else None


async def ledger_counts(
    session: AsyncSession, asset_id: uuid.UUID, start: datetime, end: datetime
) -> tuple[int, int] | None:
    """Good and scrap of a line or machine in [start, end) from the count ledger.

    A manually counted line answers from its manual entries (for a machine on it: the line's).
    A machine-counted line answers from the machine deltas of the asset plus the line's
    reclassifications; None when the ledger holds nothing for it in the window."""
    asset, line = await _asset(session, asset_id)
    if line is None:
        return None
    stmt = select(
        func.coalesce(func.sum(CountEvent.good), 0),
        func.coalesce(func.sum(CountEvent.scrap), 0),
        func.count(),
    )
    stmt = stmt.where(CountEvent.line_id == line.id, CountEvent.at >= start, CountEvent.at < end)
    if await counting_mode(session, line.id) == CountingMode.MACHINE and asset.id != line.id:
        stmt = stmt.where(or_(CountEvent.machine_id == asset.id, CountEvent.kind == "reclassification"))
    good, scrap, rows = (await session.execute(stmt)).one()
    if rows == 0 and await counting_mode(session, line.id) == CountingMode.MACHINE:
        return None
    return int(good), int(scrap)
