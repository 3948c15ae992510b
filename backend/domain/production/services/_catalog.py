"""Products and their bills of materials."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.production.models import BomLine, Product
from backend.domain.production.rules import BomNeed
from backend.domain.production.schemas import BomLineOut, BomReplace, ProductCreate, ProductUpdate
from backend.domain.production.services._common import changes_of, get_product
from backend.lib.errors import ValidationFailed


async def _sku_taken(session: AsyncSession, site_id: uuid.UUID, sku: str) -> bool:
    stmt = select(Product.id).where(Product.site_id == site_id, Product.sku == sku)
    return (await session.execute(stmt)).first() is not None


async def create_product(session: AsyncSession, actor: Actor, data: ProductCreate) -> Product:
    actor.require_role(PLANNING_ROLES, "create products")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    if await _sku_taken(session, data.site_id, data.sku):
        raise ValidationFailed("sku", f"SKU {data.sku!r} is already used on this site")
    product = Product(
        site_id=data.site_id,
        sku=data.sku,
        name=data.name,
        unit=data.unit,
        family=data.family,
        purchased=data.purchased,
    )
    session.add(product)
    await session.flush()
    return product


async def update_product(
    session: AsyncSession, actor: Actor, product_id: uuid.UUID, data: ProductUpdate
) -> Product:
    actor.require_role(PLANNING_ROLES, "edit products")
    product = await get_product(session, product_id)
    for key, value in changes_of(data).items():
        setattr(product, key, value)
    await session.flush()
    return product


async def list_products(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    q: str | None = None,
    include_inactive: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[Product]:
    stmt = select(Product)
    if site_id is not None:
        stmt = stmt.where(Product.site_id == site_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Product.sku).like(like), func.lower(Product.name).like(like)))
    if not include_inactive:
        stmt = stmt.where(Product.active.is_(True))
    stmt = stmt.order_by(Product.site_id, Product.sku).limit(limit).offset(offset)
    return list((await session.execute(stmt)).scalars())


async def _components_of(session: AsyncSession, component_id: uuid.UUID) -> set[uuid.UUID]:
    """Every product below `component_id` in the BOM tree (itself included)."""
    seen = {component_id}
    frontier = [component_id]
    while frontier:
        rows = await session.execute(select(BomLine.component_id).where(BomLine.product_id.in_(frontier)))
        frontier = [c for c in rows.scalars() if c not in seen]
        seen.update(frontier)
    return seen


async def replace_bom(
    session: AsyncSession, actor: Actor, product_id: uuid.UUID, data: BomReplace
) -> list[BomLineOut]:
    actor.require_role(PLANNING_ROLES, "edit bills of materials")
    product = await get_product(session, product_id)
    seen: set[uuid.UUID] = set()
    for i, line in enumerate(data.lines):
        field = f"lines[{i}].component_id"
        if line.component_id in seen:
            raise ValidationFailed(field, "the component is listed twice")
        seen.add(line.component_id)
        component = await get_product(session, line.component_id, field)
        if component.site_id != product.site_id:
            raise ValidationFailed(field, "no such product")
        if product.id in await _components_of(session, component.id):
            raise ValidationFailed(field, "a product cannot contain itself (directly or below)")
    await session.execute(delete(BomLine).where(BomLine.product_id == product.id))
    for line in data.lines:
        session.add(
            BomLine(
                site_id=product.site_id,
                product_id=product.id,
                component_id=line.component_id,
                qty_per_unit=line.qty_per_unit,
                operation_seq=line.operation_seq,
            )
        )
    await session.flush()
    return await bom_of(session, product.id)


async def bom_of(session: AsyncSession, product_id: uuid.UUID) -> list[BomLineOut]:
    await get_product(session, product_id)
    rows = await session.execute(
        select(BomLine, Product)
        .join(Product, Product.id == BomLine.component_id)
        .where(BomLine.product_id == product_id)
        .order_by(Product.sku)
    )
    return [
        BomLineOut(
            component_id=line.component_id,
            sku=comp.sku,
            name=comp.name,
            unit=comp.unit,
            qty_per_unit=line.qty_per_unit,
            operation_seq=line.operation_seq,
        )
        for line, comp in rows.tuples()
    ]


async def needs_of(
    session: AsyncSession, product_id: uuid.UUID, operation_seq: int, first_seq: int
) -> list[BomNeed]:
    """The BOM components consumed at one operation (lines without an operation: the first one)."""
    rows = await session.execute(
        select(BomLine, Product.sku)
        .join(Product, Product.id == BomLine.component_id)
        .where(BomLine.product_id == product_id)
        .order_by(Product.sku)
    )
    return [
        BomNeed(line.component_id, sku, line.qty_per_unit)
        for line, sku in rows.tuples()
        if (line.operation_seq if line.operation_seq is not None else first_seq) == operation_seq
    ]
