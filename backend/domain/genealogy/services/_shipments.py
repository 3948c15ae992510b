"""Shipments: a shipment consumes finished lots, so forward traces reach the customer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy.models import Lot, Shipment, ShipmentLine
from backend.domain.genealogy.schemas import ShipmentCreate, ShipmentLineOut, ShipmentOut
from backend.domain.genealogy.services._lots import get_lot, require_usable, take
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.production.models import Product
from backend.lib.clock import Clock
from backend.lib.errors import NotFound, ValidationFailed


async def create_shipment(
    session: AsyncSession, actor: Actor, data: ShipmentCreate, clock: Clock
) -> Shipment:
    actor.require_role(PRODUCTION_ROLES, "ship lots")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    taken = await session.execute(
        select(Shipment.id).where(Shipment.site_id == data.site_id, Shipment.number == data.number)
    )
    if taken.first() is not None:
        raise ValidationFailed("number", f"shipment {data.number!r} already exists")
    seen: set[uuid.UUID] = set()
    plan: list[tuple[Lot, float]] = []
    for i, line in enumerate(data.lines):
        field = f"lines[{i}].lot_id"
        if line.lot_id in seen:
            raise ValidationFailed(field, "the lot is listed twice")
        seen.add(line.lot_id)
        lot = await get_lot(session, line.lot_id, field)
        if lot.site_id != data.site_id:
            raise ValidationFailed(field, "no such lot")
        plan.append((lot, require_usable(lot, line.quantity)))
    shipment = Shipment(
        site_id=data.site_id,
        number=data.number,
        customer=data.customer,
        shipped_at=data.shipped_at or clock.now(),
        note=data.note,
    )
    session.add(shipment)
    await session.flush()
    for lot, quantity in plan:
        take(lot, quantity)
        session.add(
            ShipmentLine(site_id=data.site_id, shipment_id=shipment.id, lot_id=lot.id, quantity=quantity)
        )
    await session.flush()
    return shipment


async def get_shipment(session: AsyncSession, shipment_id: uuid.UUID) -> Shipment:
    row = (await session.execute(select(Shipment).where(Shipment.id == shipment_id))).scalar_one_or_none()
    if row is None:
        raise NotFound("shipment not found")
    return row


async def shipment_out(session: AsyncSession, shipment: Shipment) -> ShipmentOut:
    rows = await session.execute(
        select(ShipmentLine.quantity, Lot.id, Lot.number, Product.sku)
        .join(Lot, Lot.id == ShipmentLine.lot_id)
        .join(Product, Product.id == Lot.product_id)
        .where(ShipmentLine.shipment_id == shipment.id)
        .order_by(Lot.number)
    )
    lines = [
        ShipmentLineOut(lot_id=lid, lot_number=num, product_sku=sku, quantity=qty)
        for qty, lid, num, sku in rows.tuples()
    ]
    return ShipmentOut.of(shipment, lines=lines)


async def list_shipments(
    session: AsyncSession, *, site_id: uuid.UUID | None = None, limit: int = 200, offset: int = 0
) -> Sequence[Shipment]:
    stmt = select(Shipment)
    if site_id is not None:
        stmt = stmt.where(Shipment.site_id == site_id)
    stmt = stmt.order_by(Shipment.shipped_at.desc(), Shipment.number).limit(limit).offset(offset)
    return list((await session.execute(stmt)).scalars())
