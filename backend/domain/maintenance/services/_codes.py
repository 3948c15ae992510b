"""Failure code lists per asset class (problem / cause / remedy) and setting them on a work order."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance import events
from backend.domain.maintenance.models import FailureCode, WorkOrder
from backend.domain.maintenance.rules import CodeKind, Status
from backend.domain.maintenance.schemas import FailureCodeCreate, FailureCodesSet, FailureCodeUpdate
from backend.domain.maintenance.services._checklists import ANY_CLASS
from backend.domain.maintenance.services._common import flush, get_work_order
from backend.domain.people.roles import MAINTENANCE_ROLES, PLANNING_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed

_SLOTS = {
    "problem_code_id": CodeKind.PROBLEM,
    "cause_code_id": CodeKind.CAUSE,
    "remedy_code_id": CodeKind.REMEDY,
}
# Codes may change until the work is verified (or was never done).
_FROZEN = frozenset({Status.REQUESTED, Status.VERIFIED, Status.CANCELLED, Status.REJECTED})


async def create_failure_code(session: AsyncSession, actor: Actor, data: FailureCodeCreate) -> FailureCode:
    actor.require_role(PLANNING_ROLES, "edit failure codes")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    stmt = select(FailureCode.id).where(
        FailureCode.site_id == data.site_id,
        FailureCode.asset_class == data.asset_class,
        FailureCode.kind == data.kind.value,
        FailureCode.code == data.code,
    )
    if (await session.execute(stmt)).first() is not None:
        raise ValidationFailed("code", f"{data.kind.value} code {data.code!r} exists for this asset class")
    code = FailureCode(
        site_id=data.site_id,
        asset_class=data.asset_class,
        kind=data.kind.value,
        code=data.code,
        name=data.name,
        active=True,
    )
    session.add(code)
    await flush(session)
    return code


async def get_failure_code(session: AsyncSession, code_id: uuid.UUID) -> FailureCode:
    code = (await session.execute(select(FailureCode).where(FailureCode.id == code_id))).scalar_one_or_none()
    if code is None:
        raise NotFound("failure code not found")
    return code


async def list_failure_codes(
    session: AsyncSession,
    *,
    site_id: uuid.UUID | None = None,
    asset_class: str | None = None,
    kind: CodeKind | None = None,
    include_inactive: bool = False,
) -> list[FailureCode]:
    """Codes of an asset class include the codes for every class ("*")."""
    stmt = select(FailureCode)
    if site_id is not None:
        stmt = stmt.where(FailureCode.site_id == site_id)
    if asset_class is not None:
        stmt = stmt.where(FailureCode.asset_class.in_([asset_class, ANY_CLASS]))
    if kind is not None:
        stmt = stmt.where(FailureCode.kind == kind.value)
    if not include_inactive:
        stmt = stmt.where(FailureCode.active.is_(True))
    stmt = stmt.order_by(FailureCode.asset_class, FailureCode.kind, FailureCode.code)
    return list((await session.execute(stmt)).scalars())


async def update_failure_code(
    session: AsyncSession, actor: Actor, code_id: uuid.UUID, data: FailureCodeUpdate
) -> FailureCode:
    """Codes are renamed or retired, never deleted: work orders keep pointing at them."""
    code = await get_failure_code(session, code_id)
    actor.require_role(PLANNING_ROLES, "edit failure codes")
    for key, value in msgspec.structs.asdict(data).items():
        if value is not msgspec.UNSET:
            setattr(code, key, value)
    await flush(session)
    return code


async def _valid_code(
    session: AsyncSession, wo: WorkOrder, asset: Asset, slot: str, code_id: uuid.UUID
) -> None:
    try:
        code = await get_failure_code(session, code_id)
    except NotFound:
        raise ValidationFailed(slot, "no such failure code") from None
    if code.site_id != wo.site_id:
        raise ValidationFailed(slot, "the code belongs to another site")
    if code.kind != _SLOTS[slot]:
        raise ValidationFailed(slot, f"{code.code!r} is a {code.kind} code, not a {_SLOTS[slot].value} code")
    if not code.active:
        raise ValidationFailed(slot, f"{code.code!r} is retired")
    if code.asset_class not in {ANY_CLASS, asset.asset_class}:
        raise ValidationFailed(
            slot, f"{code.code!r} is for asset class {code.asset_class!r}, the asset is {asset.asset_class!r}"
        )


async def set_failure_codes(
    session: AsyncSession, actor: Actor, wo_id: uuid.UUID, data: FailureCodesSet, clock: Clock
) -> WorkOrder:
    """Set (or, with null, clear) problem, cause and remedy; each is checked against the asset's class."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(MAINTENANCE_ROLES, "set failure codes")
    if Status(wo.status) in _FROZEN:
        raise Conflict(f"failure codes of a work order in status '{wo.status}' cannot change")
    asset = (await session.execute(select(Asset).where(Asset.id == wo.asset_id))).scalar_one()
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    for slot, code_id in changes.items():
        if code_id is not None:
            await _valid_code(session, wo, asset, slot, code_id)
    changed = False
    for slot, code_id in changes.items():
        if getattr(wo, slot) != code_id:
            setattr(wo, slot, code_id)
            changed = True
    if changed:
        wo.updated_at = clock.now()
        await flush(session)
        if wo.status == Status.DONE:
            await events.fire_closed(session, wo)
    return wo
