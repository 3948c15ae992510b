"""HTTP endpoints for lots, traces, recall reports and shipments under /api/genealogy."""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy import services
from backend.domain.genealogy.schemas import (
    BackwardTrace,
    ForwardTrace,
    LotOut,
    LotReceive,
    RecallReport,
    ShipmentCreate,
    ShipmentOut,
)
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock


class LotController(Controller):
    path = "/api/genealogy/lots"
    tags = ["genealogy"]

    @get("/")
    async def list_lots(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        product_id: uuid.UUID | None = None,
        q: str | None = Parameter(default=None, max_length=100),
        on_hold: bool | None = None,
        status: Literal["in_process", "available", "depleted"] | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[LotOut]:
        rows = await services.list_lots(
            session,
            site_id=site_id,
            product_id=product_id,
            q=q,
            on_hold=on_hold,
            status=status,
            limit=limit,
            offset=offset,
        )
        return [await services.lot_out(session, lot) for lot in rows]

    @post("/")
    async def receive(self, session: AsyncSession, actor: Actor, clock: Clock, data: LotReceive) -> LotOut:
        """Receive a supplier lot."""
        return await services.lot_out(session, await services.receive_lot(session, actor, data, clock))

    @get("/by-number/{number:str}")
    async def by_number(self, session: AsyncSession, number: str, site_id: uuid.UUID | None = None) -> LotOut:
        """Resolve a scanned lot number."""
        return await services.lot_out(session, await services.get_lot_by_number(session, number, site_id))

    @get("/{lot_id:uuid}")
    async def get_lot(self, session: AsyncSession, lot_id: uuid.UUID) -> LotOut:
        return await services.lot_out(session, await services.get_lot(session, lot_id))

    @get("/{lot_id:uuid}/backward")
    async def backward(
        self,
        session: AsyncSession,
        lot_id: uuid.UUID,
        max_depth: int = Parameter(default=services.MAX_DEPTH, ge=1, le=services.MAX_DEPTH),
    ) -> BackwardTrace:
        """Which lots, suppliers and orders went into this lot, through any depth."""
        return await services.trace_backward(session, lot_id, max_depth)

    @get("/{lot_id:uuid}/forward")
    async def forward(
        self,
        session: AsyncSession,
        lot_id: uuid.UUID,
        max_depth: int = Parameter(default=services.MAX_DEPTH, ge=1, le=services.MAX_DEPTH),
    ) -> ForwardTrace:
        """Which lots and shipments contain this lot, through any depth."""
        return await services.trace_forward(session, lot_id, max_depth)


class RecallController(Controller):
    path = "/api/genealogy/recall"
    tags = ["genealogy"]

    @get("/")
    async def recall(
        self,
        session: AsyncSession,
        supplier_lot: str = Parameter(min_length=1, max_length=80),
        supplier: str | None = Parameter(default=None, max_length=200),
    ) -> RecallReport:
        """Recall report for a supplier lot."""
        return await services.recall_report(session, supplier_lot, supplier)


class ShipmentController(Controller):
    path = "/api/genealogy/shipments"
    tags = ["genealogy"]

    @get("/")
    async def list_shipments(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[ShipmentOut]:
        rows = await services.list_shipments(session, site_id=site_id, limit=limit, offset=offset)
        return [await services.shipment_out(session, s) for s in rows]

    @post("/")
    async def create(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: ShipmentCreate
    ) -> ShipmentOut:
        return await services.shipment_out(
            session, await services.create_shipment(session, actor, data, clock)
        )

    @get("/{shipment_id:uuid}")
    async def get_shipment(self, session: AsyncSession, shipment_id: uuid.UUID) -> ShipmentOut:
        return await services.shipment_out(session, await services.get_shipment(session, shipment_id))


CONTROLLERS = [LotController, RecallController, ShipmentController]
