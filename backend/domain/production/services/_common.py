"""Look-ups shared by the production services: rows in scope or a 404/422 naming the field."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.assets.rules import Level
from backend.domain.production.models import (
    CountEvent,
    LineSettings,
    OrderOperation,
    Product,
    ProductionOrder,
    Routing,
)
from backend.domain.production.rules import CountingMode
from backend.lib.errors import NotFound, ValidationFailed

T = TypeVar("T")


async def _get(session: AsyncSession, model: type[T], row_id: uuid.UUID, what: str, field: str | None) -> T:
    row = (await session.execute(select(model).where(model.id == row_id))).scalar_one_or_none()  # type: ignore[attr-defined]
    if row is None:
        if field is not None:
            raise ValidationFailed(field, f"no such {what}")
        raise NotFound(f"{what} not found")
    return row


async def get_product(session: AsyncSession, product_id: uuid.UUID, field: str | None = None) -> Product:
    return await _get(session, Product, product_id, "product", field)


async def get_routing(session: AsyncSession, routing_id: uuid.UUID, field: str | None = None) -> Routing:
    return await _get(session, Routing, routing_id, "routing", field)


async def get_order(session: AsyncSession, order_id: uuid.UUID) -> ProductionOrder:
    return await _get(session, ProductionOrder, order_id, "production order", None)


async def get_operation(session: AsyncSession, operation_id: uuid.UUID) -> OrderOperation:
    return await _get(session, OrderOperation, operation_id, "operation", None)


async def get_asset_of_levels(
    session: AsyncSession, asset_id: uuid.UUID, levels: frozenset[Level], field: str | None
) -> Asset:
    asset = (await session.execute(select(Asset).where(Asset.id == asset_id))).scalar_one_or_none()
    if asset is None or asset.retired_at is not None:
        if field is not None:
            raise ValidationFailed(field, "no such asset")
        raise NotFound("asset not found")
    if Level(asset.level) not in levels:
        wanted = " or ".join(sorted(lv.value for lv in levels))
        if field is not None:
            raise ValidationFailed(field, f"must be a {wanted}, not a {asset.level}")
        raise NotFound(f"{wanted} not found")
    return asset


async def get_line(session: AsyncSession, line_id: uuid.UUID, field: str | None = None) -> Asset:
    return await get_asset_of_levels(session, line_id, frozenset({Level.LINE}), field)


async def line_of(session: AsyncSession, asset: Asset) -> Asset | None:
    """The line an asset belongs to: itself for a line, the nearest line above it otherwise."""
    if asset.level == Level.LINE:
        return asset
    ancestor_ids = [uuid.UUID(p) for p in asset.path.strip("/").split("/")[:-1]]
    if not ancestor_ids:
        return None
    rows = await session.execute(
        select(Asset).where(Asset.id.in_(ancestor_ids), Asset.level == Level.LINE.value)
    )
    return rows.scalars().first()


async def counting_mode(session: AsyncSession, line_id: uuid.UUID) -> CountingMode:
    """A line without settings counts manually."""
    row = await session.get(LineSettings, line_id)
    return CountingMode(row.counting_mode) if row else CountingMode.MANUAL


async def count_totals(
    session: AsyncSession, operation_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """Good and scrap per operation, summed from the count ledger."""
    if not operation_ids:
        return {}
    rows = await session.execute(
        select(CountEvent.operation_id, func.sum(CountEvent.good), func.sum(CountEvent.scrap))
        .where(CountEvent.operation_id.in_(operation_ids))
        .group_by(CountEvent.operation_id)
    )
    totals: dict[uuid.UUID, tuple[int, int]] = dict.fromkeys(operation_ids, (0, 0))
    for op_id, good, scrap in rows.tuples():
        if op_id is not None:
            totals[op_id] = (int(good or 0), int(scrap or 0))
    return totals


def changes_of(data: Any) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
