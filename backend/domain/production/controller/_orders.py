"""HTTP endpoints for production orders and their execution on the line."""

from __future__ import annotations

import uuid
from datetime import date

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import Actor
from backend.domain.production import services
from backend.domain.production.rules import OrderStatus
from backend.domain.production.schemas import (
    CompleteResult,
    ConsumeIn,
    ConsumeResult,
    CountEventOut,
    CountIn,
    CountRecordedOut,
    LaborIn,
    LaborOut,
    MaterialOut,
    OperationOut,
    OrderCancel,
    OrderCreate,
    OrderOut,
    PauseIn,
)
from backend.lib.clock import Clock


class OrderController(Controller):
    path = "/api/production/orders"
    tags = ["production"]

    @get("/")
    async def list_orders(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        status: OrderStatus | None = None,
        line_id: uuid.UUID | None = None,
        product_id: uuid.UUID | None = None,
        due_before: date | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[OrderOut]:
        rows = await services.list_orders(
            session,
            site_id=site_id,
            status=status,
            line_id=line_id,
            product_id=product_id,
            due_before=due_before,
            limit=limit,
            offset=offset,
        )
        return [await services.order_out(session, o) for o in rows]

    @post("/")
    async def create_order(self, session: AsyncSession, actor: Actor, data: OrderCreate) -> OrderOut:
        return await services.order_out(session, await services.create_order(session, actor, data))

    @get("/{order_id:uuid}")
    async def get_order(self, session: AsyncSession, order_id: uuid.UUID) -> OrderOut:
        return await services.order_out(session, await services.get_order(session, order_id))

    @post("/{order_id:uuid}/release", status_code=200)
    async def release(
        self, session: AsyncSession, actor: Actor, clock: Clock, order_id: uuid.UUID
    ) -> OrderOut:
        return await services.order_out(
            session, await services.release_order(session, actor, order_id, clock)
        )

    @post("/{order_id:uuid}/cancel", status_code=200)
    async def cancel(
        self, session: AsyncSession, actor: Actor, clock: Clock, order_id: uuid.UUID, data: OrderCancel
    ) -> OrderOut:
        order = await services.cancel_order(session, actor, order_id, data, clock)
        return await services.order_out(session, order)

    @post("/{order_id:uuid}/close", status_code=200)
    async def close(self, session: AsyncSession, actor: Actor, clock: Clock, order_id: uuid.UUID) -> OrderOut:
        return await services.order_out(session, await services.close_order(session, actor, order_id, clock))


class OperationController(Controller):
    path = "/api/production/operations"
    tags = ["production"]

    async def _out(self, session: AsyncSession, operation_id: uuid.UUID) -> OperationOut:
        op = await services.get_operation(session, operation_id)
        return (await services.operation_outs(session, [op]))[0]

    @get("/{operation_id:uuid}")
    async def get_operation(self, session: AsyncSession, operation_id: uuid.UUID) -> OperationOut:
        return await self._out(session, operation_id)

    @post("/{operation_id:uuid}/start", status_code=200)
    async def start(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID
    ) -> OperationOut:
        await services.start_operation(session, actor, operation_id, clock)
        return await self._out(session, operation_id)

    @post("/{operation_id:uuid}/resume", status_code=200)
    async def resume(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID
    ) -> OperationOut:
        await services.start_operation(session, actor, operation_id, clock)
        return await self._out(session, operation_id)

    @post("/{operation_id:uuid}/pause", status_code=200)
    async def pause(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID, data: PauseIn
    ) -> OperationOut:
        await services.pause_operation(session, actor, operation_id, data, clock)
        return await self._out(session, operation_id)

    @post("/{operation_id:uuid}/complete", status_code=200)
    async def complete(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID
    ) -> CompleteResult:
        return await services.complete_operation(session, actor, operation_id, clock)

    @post("/{operation_id:uuid}/counts")
    async def record_counts(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID, data: CountIn
    ) -> CountRecordedOut:
        return await services.record_counts(session, actor, operation_id, data, clock)

    @get("/{operation_id:uuid}/counts")
    async def counts(self, session: AsyncSession, operation_id: uuid.UUID) -> list[CountEventOut]:
        return [CountEventOut.of(e) for e in await services.counts_of(session, operation_id)]

    @post("/{operation_id:uuid}/consume")
    async def consume(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID, data: ConsumeIn
    ) -> ConsumeResult:
        return await services.consume(session, actor, operation_id, data, clock)

    @get("/{operation_id:uuid}/material")
    async def material(self, session: AsyncSession, operation_id: uuid.UUID) -> MaterialOut:
        return await services.material_of(session, operation_id)

    @post("/{operation_id:uuid}/labor", status_code=200)
    async def labor(
        self, session: AsyncSession, actor: Actor, clock: Clock, operation_id: uuid.UUID, data: LaborIn
    ) -> list[LaborOut]:
        await services.labor(session, actor, operation_id, data, clock)
        return await _labor_out(session, clock, operation_id)

    @get("/{operation_id:uuid}/labor")
    async def labor_list(
        self, session: AsyncSession, clock: Clock, operation_id: uuid.UUID
    ) -> list[LaborOut]:
        return await _labor_out(session, clock, operation_id)


async def _labor_out(session: AsyncSession, clock: Clock, operation_id: uuid.UUID) -> list[LaborOut]:
    now = clock.now()
    return [
        LaborOut.of(e, minutes=((e.ended_at or now) - e.started_at).total_seconds() / 60.0)
        for e in await services.labor_of(session, operation_id)
    ]
