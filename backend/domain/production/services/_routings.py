"""Versioned routings: drafts are edited, released versions never are (a new version is drafted)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.rules import Level
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.production.models import Routing, RoutingOperation
from backend.domain.production.rules import RoutingStatus
from backend.domain.production.schemas import (
    RoutingCreate,
    RoutingOperationIn,
    RoutingOperationOut,
    RoutingOperationsReplace,
    RoutingOut,
)
from backend.domain.production.services._common import get_asset_of_levels, get_product, get_routing
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, ValidationFailed

WORK_CENTER_LEVELS = frozenset({Level.LINE, Level.MACHINE})


async def _check_operations(
    session: AsyncSession, site_id: uuid.UUID, operations: Sequence[RoutingOperationIn]
) -> None:
    seqs: set[int] = set()
    for i, op in enumerate(operations):
        if op.seq in seqs:
            raise ValidationFailed(f"operations[{i}].seq", f"sequence {op.seq} is used twice")
        seqs.add(op.seq)
        if op.work_center_id is not None:
            field = f"operations[{i}].work_center_id"
            asset = await get_asset_of_levels(session, op.work_center_id, WORK_CENTER_LEVELS, field)
            if asset.site_id != site_id:
                raise ValidationFailed(field, "no such asset")


def _add_operations(
    routing: Routing, operations: Sequence[RoutingOperationIn], session: AsyncSession
) -> None:
    for op in operations:
        session.add(
            RoutingOperation(
                site_id=routing.site_id,
                routing_id=routing.id,
                seq=op.seq,
                name=op.name,
                work_center_id=op.work_center_id,
                ideal_cycle_s=op.ideal_cycle_s,
                setup_s=op.setup_s,
            )
        )


async def operations_of(session: AsyncSession, routing_id: uuid.UUID) -> list[RoutingOperation]:
    rows = await session.execute(
        select(RoutingOperation)
        .where(RoutingOperation.routing_id == routing_id)
        .order_by(RoutingOperation.seq)
    )
    return list(rows.scalars())


async def routing_out(session: AsyncSession, routing: Routing) -> RoutingOut:
    ops = [RoutingOperationOut.of(op) for op in await operations_of(session, routing.id)]
    return RoutingOut.of(routing, operations=ops)


async def _next_version(session: AsyncSession, product_id: uuid.UUID) -> int:
    current = await session.scalar(select(func.max(Routing.version)).where(Routing.product_id == product_id))
    return int(current or 0) + 1


async def create_routing(session: AsyncSession, actor: Actor, data: RoutingCreate) -> Routing:
    """A new draft version of the product's routing."""
    actor.require_role(PLANNING_ROLES, "create routings")
    product = await get_product(session, data.product_id, "product_id")
    await _check_operations(session, product.site_id, data.operations)
    routing = Routing(
        site_id=product.site_id,
        product_id=product.id,
        version=await _next_version(session, product.id),
        status=RoutingStatus.DRAFT.value,
        note=data.note,
    )
    session.add(routing)
    await session.flush()
    _add_operations(routing, data.operations, session)
    await session.flush()
    return routing


def _require_draft(routing: Routing) -> None:
    if routing.status != RoutingStatus.DRAFT:
        raise Conflict(
            f"routing version {routing.version} is {routing.status}: released routings are never "
            "edited; draft a new version instead",
            routing_status=routing.status,
        )


async def replace_operations(
    session: AsyncSession, actor: Actor, routing_id: uuid.UUID, data: RoutingOperationsReplace
) -> Routing:
    actor.require_role(PLANNING_ROLES, "edit routings")
    routing = await get_routing(session, routing_id)
    _require_draft(routing)
    await _check_operations(session, routing.site_id, data.operations)
    for op in await operations_of(session, routing.id):
        await session.delete(op)
    await session.flush()
    _add_operations(routing, data.operations, session)
    await session.flush()
    return routing


async def release_routing(
    session: AsyncSession, actor: Actor, routing_id: uuid.UUID, clock: Clock
) -> Routing:
    """Release a draft; the product's previously released version becomes superseded (orders
    already made with it keep it)."""
    actor.require_role(PLANNING_ROLES, "release routings")
    routing = await get_routing(session, routing_id)
    _require_draft(routing)
    rows = await session.execute(
        select(Routing).where(
            Routing.product_id == routing.product_id, Routing.status == RoutingStatus.RELEASED.value
        )
    )
    for older in rows.scalars():
        older.status = RoutingStatus.SUPERSEDED.value
    routing.status = RoutingStatus.RELEASED.value
    routing.released_at = clock.now()
    await session.flush()
    return routing


async def new_version(session: AsyncSession, actor: Actor, routing_id: uuid.UUID) -> Routing:
    """A draft copy of an existing version, to be edited and released."""
    actor.require_role(PLANNING_ROLES, "create routings")
    source = await get_routing(session, routing_id)
    ops = await operations_of(session, source.id)
    routing = Routing(
        site_id=source.site_id,
        product_id=source.product_id,
        version=await _next_version(session, source.product_id),
        status=RoutingStatus.DRAFT.value,
        note=source.note,
    )
    session.add(routing)
    await session.flush()
    _add_operations(
        routing,
        [
            RoutingOperationIn(
                seq=o.seq,
                name=o.name,
                ideal_cycle_s=o.ideal_cycle_s,
                work_center_id=o.work_center_id,
                setup_s=o.setup_s,
            )
            for o in ops
        ],
        session,
    )
    await session.flush()
    return routing


async def list_routings(
    session: AsyncSession, *, product_id: uuid.UUID | None = None, status: RoutingStatus | None = None
) -> list[Routing]:
    stmt = select(Routing)
    if product_id is not None:
        stmt = stmt.where(Routing.product_id == product_id)
    if status is not None:
        stmt = stmt.where(Routing.status == status.value)
    rows = await session.execute(stmt.order_by(Routing.product_id, Routing.version))
    return list(rows.scalars())


async def current_routing(session: AsyncSession, product_id: uuid.UUID) -> Routing | None:
    rows = await session.execute(
        select(Routing)
        .where(Routing.product_id == product_id, Routing.status == RoutingStatus.RELEASED.value)
        .order_by(Routing.version.desc())
    )
    return rows.scalars().first()
