"""Inspection plans: characteristics to check on a product at a routing operation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.production.models import Product
from backend.domain.quality.models import Characteristic, InspectionPlan
from backend.domain.quality.rules import Frequency, Kind
from backend.domain.quality.schemas import CharacteristicIn, CharacteristicOut, PlanCreate, PlanOut
from backend.domain.quality.services._defects import require_defect_code
from backend.lib.errors import NotFound, ValidationFailed


def _check_characteristic(i: int, c: CharacteristicIn) -> None:
    at = f"characteristics[{i}]"
    if c.kind is Kind.NUMERIC:
        if c.lower_limit is None and c.upper_limit is None:
            raise ValidationFailed(f"{at}.lower_limit", "a numeric characteristic needs a limit")
        if c.lower_limit is not None and c.upper_limit is not None and c.lower_limit >= c.upper_limit:
            raise ValidationFailed(f"{at}.upper_limit", "must be above the lower limit")
        if c.nominal is not None and (
            (c.lower_limit is not None and c.nominal < c.lower_limit)
            or (c.upper_limit is not None and c.nominal > c.upper_limit)
        ):
            raise ValidationFailed(f"{at}.nominal", "must lie within the limits")
    elif c.subgroup_size != 1:
        raise ValidationFailed(f"{at}.subgroup_size", "only numeric characteristics take subgroups")
    if c.kind is Kind.ATTRIBUTE:
        if not c.options:
            raise ValidationFailed(f"{at}.options", "an attribute characteristic needs its list of values")
        if not c.accepted or not set(c.accepted) <= set(c.options):
            raise ValidationFailed(f"{at}.accepted", "name the accepted values, taken from options")
    if c.frequency is not Frequency.FIRST_ARTICLE and c.frequency_n is None:
        raise ValidationFailed(f"{at}.frequency_n", f"{c.frequency} needs N")


async def create_plan(session: AsyncSession, actor: Actor, data: PlanCreate) -> InspectionPlan:
    """A new plan for a product and operation; it supersedes the active one."""
    actor.require_role(PLANNING_ROLES, "define inspection plans")
    product = (
        await session.execute(select(Product).where(Product.id == data.product_id))
    ).scalar_one_or_none()
    if product is None:
        raise ValidationFailed("product_id", "no such product")
    for i, c in enumerate(data.characteristics):
        _check_characteristic(i, c)
        await require_defect_code(
            session, product.site_id, product.family, c.defect_code, f"characteristics[{i}].defect_code"
        )
    old = await active_plan_for(session, product.id, data.operation_seq)
    if old is not None:
        old.active = False
    plan = InspectionPlan(
        site_id=product.site_id, product_id=product.id, operation_seq=data.operation_seq, name=data.name
    )
    session.add(plan)
    await session.flush()
    for seq, c in enumerate(data.characteristics, start=1):
        session.add(
            Characteristic(
                site_id=plan.site_id,
                plan_id=plan.id,
                seq=seq,
                name=c.name,
                kind=c.kind.value,
                nominal=c.nominal,
                lower_limit=c.lower_limit,
                upper_limit=c.upper_limit,
                unit=c.unit,
                options=list(c.options),
                accepted=list(c.accepted),
                required=c.required,
                frequency=c.frequency.value,
                frequency_n=c.frequency_n,
                subgroup_size=c.subgroup_size,
                defect_code=c.defect_code,
                hold_on_fail=c.hold_on_fail,
            )
        )
    await session.flush()
    return plan


async def active_plan_for(
    session: AsyncSession, product_id: uuid.UUID, operation_seq: int
) -> InspectionPlan | None:
    rows = await session.execute(
        select(InspectionPlan).where(
            InspectionPlan.product_id == product_id,
            InspectionPlan.operation_seq == operation_seq,
            InspectionPlan.active.is_(True),
        )
    )
    return rows.scalars().first()


async def characteristics_of(session: AsyncSession, plan_id: uuid.UUID) -> list[Characteristic]:
    rows = await session.execute(
        select(Characteristic).where(Characteristic.plan_id == plan_id).order_by(Characteristic.seq)
    )
    return list(rows.scalars())


async def get_plan(session: AsyncSession, plan_id: uuid.UUID) -> InspectionPlan:
    row = (
        await session.execute(select(InspectionPlan).where(InspectionPlan.id == plan_id))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("inspection plan not found")
    return row


async def get_characteristic(
    session: AsyncSession, characteristic_id: uuid.UUID, field: str | None = None
) -> Characteristic:
    row = (
        await session.execute(select(Characteristic).where(Characteristic.id == characteristic_id))
    ).scalar_one_or_none()
    if row is None:
        if field is not None:
            raise ValidationFailed(field, "no such characteristic")
        raise NotFound("characteristic not found")
    return row


async def plan_out(session: AsyncSession, plan: InspectionPlan) -> PlanOut:
    chars = [CharacteristicOut.of(c) for c in await characteristics_of(session, plan.id)]
    return PlanOut.of(plan, characteristics=chars)


async def list_plans(
    session: AsyncSession, *, product_id: uuid.UUID | None = None, include_inactive: bool = False
) -> Sequence[InspectionPlan]:
    stmt = select(InspectionPlan)
    if product_id is not None:
        stmt = stmt.where(InspectionPlan.product_id == product_id)
    if not include_inactive:
        stmt = stmt.where(InspectionPlan.active.is_(True))
    rows = await session.execute(stmt.order_by(InspectionPlan.product_id, InspectionPlan.operation_seq))
    return list(rows.scalars())
