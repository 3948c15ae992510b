"""What production replicates to devices: the production orders of their sites and their
operations with the good and scrap counted so far (operators' tablets show what runs on their
line and run it offline). A count entry changes its operation's row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.replica import Replica, Replicated, Touch
from backend.domain.production.models import CountEvent, OrderOperation, ProductionOrder

PRODUCTION_ORDER = "production_order"
ORDER_OPERATION = "order_operation"


def _columns(model: type[Any], names: str) -> dict[str, ColumnElement[Any]]:
    return {name: getattr(model, name) for name in names.split()}


async def _counts(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    ids = [row["id"] for row in rows]
    stmt = (
        select(CountEvent.operation_id, func.sum(CountEvent.good), func.sum(CountEvent.scrap))
        .where(CountEvent.operation_id.in_(ids))
        .group_by(CountEvent.operation_id)
    )
    totals = {op_id: (int(good or 0), int(scrap or 0)) for op_id, good, scrap in await conn.execute(stmt)}
    for row in rows:
        row["good"], row["scrap"] = totals.get(row["id"], (0, 0))


REPLICA = Replica(
    tables=(
        Replicated(
            entity=PRODUCTION_ORDER,
            model=ProductionOrder,
            fields=_columns(
                ProductionOrder,
                "id site_id number product_id routing_id line_id quantity due_date status released_at "
                "started_at completed_at closed_at cancelled_at cancel_reason updated_at",
            ),
            key=(ProductionOrder.id,),
            site=ProductionOrder.site_id,
            stamp=ProductionOrder.updated_at,
        ),
        Replicated(
            entity=ORDER_OPERATION,
            model=OrderOperation,
            fields=_columns(
                OrderOperation,
                "id site_id order_id seq name line_id work_center_id ideal_cycle_s status started_at "
                "ended_at updated_at",
            ),
            key=(OrderOperation.id,),
            site=OrderOperation.site_id,
            stamp=OrderOperation.updated_at,
            enrich=_counts,
        ),
    ),
    touches=(Touch(model=CountEvent, entity=ORDER_OPERATION, id_attr="operation_id"),),
)
