"""HTTP endpoints for stock changes, reservations, discrepancies, reorder suggestions and labels."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import services
from backend.domain.inventory.controller._out import bin_out, discrepancy_out, part_out, result_of
from backend.domain.inventory.rules import DiscrepancyStatus, ReservationStatus
from backend.domain.inventory.schemas import (
    AdjustmentCreate,
    DiscrepancyOut,
    DiscrepancyResolve,
    IssueCreate,
    LabelTarget,
    MovementResult,
    ReceiptCreate,
    ReorderSuggestion,
    ReservationCreate,
    ReservationOut,
    ReservationRelease,
    ReturnCreate,
    StockLine,
    TransferCreate,
    WorkOrderParts,
)
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock
from backend.lib.errors import NotFound
from backend.settings import Settings


class StockController(Controller):
    """Each stock change answers with its ledger line(s) and the bins' stock after it."""

    path = "/api/inventory"
    tags = ["inventory"]

    @get("/stock")
    async def stock(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        storeroom_id: uuid.UUID | None = None,
        include_empty: bool = False,
    ) -> list[StockLine]:
        return await services.stock_lines(
            session, site_id=site_id, storeroom_id=storeroom_id, include_empty=include_empty
        )

    @post("/receipts")
    async def receive(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: ReceiptCreate
    ) -> MovementResult:
        return await result_of(session, await services.receive(session, actor, data, clock))

    @post("/issues")
    async def issue(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: IssueCreate
    ) -> MovementResult:
        return await result_of(session, await services.issue_to_work_order(session, actor, data, clock))

    @post("/returns")
    async def return_parts(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: ReturnCreate
    ) -> MovementResult:
        return await result_of(session, await services.return_from_work_order(session, actor, data, clock))

    @post("/transfers")
    async def transfer(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: TransferCreate
    ) -> MovementResult:
        return await result_of(session, await services.transfer(session, actor, data, clock))

    @post("/adjustments")
    async def adjust(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: AdjustmentCreate
    ) -> MovementResult:
        return await result_of(session, await services.adjust(session, actor, data, clock))

    @get("/reservations")
    async def list_reservations(
        self,
        session: AsyncSession,
        work_order_id: uuid.UUID | None = None,
        part_id: uuid.UUID | None = None,
        bin_id: uuid.UUID | None = None,
        status: ReservationStatus | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[ReservationOut]:
        rows = await services.list_reservations(
            session,
            work_order_id=work_order_id,
            part_id=part_id,
            bin_id=bin_id,
            status=status,
            limit=limit,
            offset=offset,
        )
        return [ReservationOut.of(r) for r in rows]

    @post("/reservations")
    async def reserve(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: ReservationCreate
    ) -> ReservationOut:
        return ReservationOut.of(await services.reserve(session, actor, data, clock))

    @get("/reservations/{reservation_id:uuid}")
    async def get_reservation(self, session: AsyncSession, reservation_id: uuid.UUID) -> ReservationOut:
        return ReservationOut.of(await services.get_reservation(session, reservation_id))

    @post("/reservations/{reservation_id:uuid}/release", status_code=200)
    async def release(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        reservation_id: uuid.UUID,
        data: ReservationRelease | None = None,
    ) -> ReservationOut:
        row = await services.release_reservation(
            session, actor, reservation_id, data or ReservationRelease(), clock
        )
        return ReservationOut.of(row)

    @get("/work-orders/{work_order_id:uuid}/parts")
    async def work_order_parts(self, session: AsyncSession, work_order_id: uuid.UUID) -> WorkOrderParts:
        order = await services.get_work_order(session, work_order_id, field=None)
        usage = await services.parts_usage(session, order.id)
        reservations = await services.list_reservations(session, work_order_id=order.id, limit=1000)
        return WorkOrderParts(
            work_order_id=order.id,
            parts=usage,
            reservations=[ReservationOut.of(r) for r in reservations],
            total_cost=round(sum(u.cost for u in usage), 2) + 0.0,
        )

    @get("/reorder-suggestions")
    async def reorder_suggestions(
        self, session: AsyncSession, site_id: uuid.UUID | None = None, storeroom_id: uuid.UUID | None = None
    ) -> list[ReorderSuggestion]:
        return await services.reorder_suggestions(session, site_id=site_id, storeroom_id=storeroom_id)

    @get("/discrepancies")
    async def list_discrepancies(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        storeroom_id: uuid.UUID | None = None,
        part_id: uuid.UUID | None = None,
        status: DiscrepancyStatus | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[DiscrepancyOut]:
        rows = await services.list_discrepancies(
            session,
            site_id=site_id,
            storeroom_id=storeroom_id,
            part_id=part_id,
            status=status,
            limit=limit,
            offset=offset,
        )
        return [DiscrepancyOut.of(r) for r in rows]

    @get("/discrepancies/{discrepancy_id:uuid}")
    async def get_discrepancy(self, session: AsyncSession, discrepancy_id: uuid.UUID) -> DiscrepancyOut:
        return DiscrepancyOut.of(await services.get_discrepancy(session, discrepancy_id))

    @post("/discrepancies/{discrepancy_id:uuid}/resolve", status_code=200)
    async def resolve_discrepancy(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        discrepancy_id: uuid.UUID,
        data: DiscrepancyResolve,
    ) -> MovementResult:
        resolved, posted = await services.resolve_discrepancy(session, actor, discrepancy_id, data, clock)
        result = await result_of(session, posted)
        result.discrepancy = discrepancy_out(next(r for r in resolved if r.id == discrepancy_id))
        return result

    @get("/by-label/{token:str}")
    async def by_label(self, session: AsyncSession, settings: Settings, token: str) -> LabelTarget:
        """What a scanned `/p/{token}` (part) or `/b/{token}` (bin) label points at, with stock."""
        part = await services.get_part_by_label(session, token)
        if part is not None:
            lines = await services.stock_lines(session, part_id=part.id)
            return LabelTarget(kind="part", part=part_out(part, settings), stock=lines)
        bin_ = await services.get_bin_by_label(session, token)
        if bin_ is not None:
            lines = await services.stock_lines(session, bin_id=bin_.id)
            return LabelTarget(kind="bin", bin=bin_out(bin_, settings), stock=lines)
        raise NotFound("no part or bin carries this label")
