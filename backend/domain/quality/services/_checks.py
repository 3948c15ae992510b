"""In-process checks, the samples due, and the quality gate that blocks completing an operation."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.genealogy.models import Lot
from backend.domain.people.roles import PRODUCTION_ROLES, Actor
from backend.domain.production.models import CountEvent, OperationPause, OrderOperation, ProductionOrder
from backend.domain.quality.models import Characteristic, Nonconformance, QualityCheck
from backend.domain.quality.rules import (
    Frequency,
    Kind,
    SlotState,
    due_count,
    next_slot,
    numeric_passes,
    running_minutes,
    slot_state,
)
from backend.domain.quality.schemas import CheckIn, CheckOut, DueOut
from backend.domain.quality.services._nonconformances import open_nonconformance
from backend.domain.quality.services._plans import active_plan_for, characteristics_of, get_characteristic
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.lib.ids import uuid7

ACTIVE = ("running", "paused")


async def _operation(
    session: AsyncSession, operation_id: uuid.UUID
) -> tuple[OrderOperation, ProductionOrder]:
    op = (
        await session.execute(select(OrderOperation).where(OrderOperation.id == operation_id))
    ).scalar_one_or_none()
    if op is None:
        raise NotFound("operation not found")
    order = await session.get(ProductionOrder, op.order_id)
    assert order is not None
    return op, order


async def _produced(session: AsyncSession, operation_id: uuid.UUID) -> int:
    total = await session.scalar(
        select(func.sum(CountEvent.good + CountEvent.scrap)).where(CountEvent.operation_id == operation_id)
    )
    return int(total or 0)


async def _minutes(session: AsyncSession, op: OrderOperation, now: datetime) -> float:
    if op.started_at is None:
        return 0.0
    end = op.ended_at or now
    rows = await session.execute(
        select(OperationPause.started_at, OperationPause.ended_at).where(OperationPause.operation_id == op.id)
    )
    return running_minutes(op.started_at, end, list(rows.tuples()))


async def _latest_by_slot(session: AsyncSession, operation_id: uuid.UUID) -> dict[uuid.UUID, dict[int, bool]]:
    rows = await session.execute(
        select(QualityCheck.characteristic_id, QualityCheck.slot, QualityCheck.passed)
        .where(QualityCheck.operation_id == operation_id)
        .order_by(QualityCheck.taken_at, QualityCheck.id)
    )
    latest: dict[uuid.UUID, dict[int, bool]] = {}
    for cid, slot, passed in rows.tuples():
        latest.setdefault(cid, {})[slot] = bool(passed)
    return latest


def _due(c: Characteristic, produced: int, minutes: float) -> int:
    return due_count(Frequency(c.frequency), c.frequency_n, produced, minutes)


async def _states(
    session: AsyncSession, op: OrderOperation, order: ProductionOrder, now: datetime
) -> list[tuple[Characteristic, SlotState, int]]:
    plan = await active_plan_for(session, order.product_id, op.seq)
    if plan is None or op.started_at is None:
        return []
    produced = await _produced(session, op.id)
    minutes = await _minutes(session, op, now)
    latest = await _latest_by_slot(session, op.id)
    out = []
    for c in await characteristics_of(session, plan.id):
        due = _due(c, produced, minutes)
        mine = latest.get(c.id, {})
        out.append((c, slot_state(due, mine), next_slot(due, mine)))
    return out


async def due_checks(session: AsyncSession, operation_id: uuid.UUID, clock: Clock) -> list[DueOut]:
    """Per characteristic of the operation's plan: samples due so far, passed, failed, missing."""
    op, order = await _operation(session, operation_id)
    return [
        DueOut(
            characteristic_id=c.id,
            name=c.name,
            kind=c.kind,
            required=c.required,
            frequency=c.frequency,
            frequency_n=c.frequency_n,
            due=state.due,
            passed=state.passed,
            failed_slots=list(state.failed_slots),
            missing_slots=list(state.missing_slots),
            next_slot=nxt,
        )
        for c, state, nxt in await _states(session, op, order, clock.now())
    ]


async def require_gate_passed(session: AsyncSession, op: OrderOperation, now: datetime) -> None:
    """The quality gate: every due sample of every required characteristic has passed."""
    order = await session.get(ProductionOrder, op.order_id)
    assert order is not None
    missing: list[dict[str, object]] = []
    failed: list[dict[str, object]] = []
    errors: list[FieldError] = []
    for c, state, _nxt in await _states(session, op, order, now):
        if not c.required:
            continue
        if state.failed_slots:
            failed.append({"characteristic_id": str(c.id), "name": c.name, "slots": list(state.failed_slots)})
            errors.append(
                FieldError(f"checks.{c.name}", f"failed ({len(state.failed_slots)} of {state.due})")
            )
        if state.missing_slots:
            missing.append(
                {"characteristic_id": str(c.id), "name": c.name, "slots": list(state.missing_slots)}
            )
            errors.append(
                FieldError(f"checks.{c.name}", f"missing ({len(state.missing_slots)} of {state.due})")
            )
    if errors:
        parts = []
        if failed:
            parts.append("failed: " + ", ".join(str(f["name"]) for f in failed))
        if missing:
            parts.append("missing: " + ", ".join(str(m["name"]) for m in missing))
        raise Conflict(
            "the quality gate is not passed; " + "; ".join(parts),
            errors=errors,
            missing=missing,
            failed=failed,
        )


def _evaluate(c: Characteristic, data: CheckIn) -> tuple[bool, list[float], str | None]:
    kind = Kind(c.kind)
    given = {
        "values": data.values is not None,
        "passed": data.passed is not None,
        "value": data.value is not None,
    }
    wanted = {Kind.NUMERIC: "values", Kind.PASS_FAIL: "passed", Kind.ATTRIBUTE: "value"}[kind]
    for name, present in given.items():
        if present and name != wanted:
            raise ValidationFailed(name, f"a {kind} characteristic takes '{wanted}'")
    if not given[wanted]:
        raise ValidationFailed(wanted, f"a {kind} characteristic needs '{wanted}'")
    if kind is Kind.NUMERIC:
        assert data.values is not None
        if len(data.values) != c.subgroup_size:
            raise ValidationFailed("values", f"{c.subgroup_size} measurement(s) per sample")
        return numeric_passes(data.values, c.lower_limit, c.upper_limit), list(data.values), None
    if kind is Kind.PASS_FAIL:
        return bool(data.passed), [], None
    assert data.value is not None
    if data.value not in c.options:
        raise ValidationFailed("value", f"one of: {', '.join(c.options)}")
    return data.value in c.accepted, [], data.value


def _describe_failure(c: Characteristic, measurements: list[float], value: str | None) -> str:
    if c.kind == Kind.NUMERIC:
        limits = f"{c.lower_limit if c.lower_limit is not None else '-∞'}…{c.upper_limit if c.upper_limit is not None else '∞'}"
        shown = ", ".join(f"{v:g}" for v in measurements)
        return f"{c.name}: {shown} outside {limits} {c.unit or ''}".rstrip()
    if c.kind == Kind.ATTRIBUTE:
        return f"{c.name}: {value!r} is not accepted"
    return f"{c.name}: failed"


async def record_check(
    session: AsyncSession,
    actor: Actor,
    operation_id: uuid.UUID,
    data: CheckIn,
    clock: Clock,
    *,
    check_id: uuid.UUID | None = None,
) -> CheckOut:
    """Record a check in the next open sample slot. A failed check raises a nonconformance with
    the characteristic's defect code and, when the plan says so, holds the operation's lot.
    `check_id` is the id a device minted for a check recorded offline."""
    actor.require_role(PRODUCTION_ROLES, "record checks")
    op, order = await _operation(session, operation_id)
    if op.status not in ACTIVE:
        raise Conflict(f"operation is {op.status}; checks are recorded on a running or paused operation")
    c = await get_characteristic(session, data.characteristic_id, "characteristic_id")
    plan = await active_plan_for(session, order.product_id, op.seq)
    if plan is None or c.plan_id != plan.id:
        raise ValidationFailed("characteristic_id", "not in the inspection plan of this operation")
    passed, measurements, value = _evaluate(c, data)
    now = clock.now()
    mine = (await _latest_by_slot(session, op.id)).get(c.id, {})
    due = _due(c, await _produced(session, op.id), await _minutes(session, op, now))
    if check_id is not None and await session.get(QualityCheck, check_id) is not None:
        raise Conflict("a check with this id is already recorded")
    check = QualityCheck(
        id=check_id or uuid7(),
        site_id=op.site_id,
        operation_id=op.id,
        characteristic_id=c.id,
        slot=next_slot(due, mine),
        taken_at=now,
        user_id=actor.user_id,
        measurements=measurements,
        attribute_value=value,
        passed=passed,
        note=data.note,
    )
    session.add(check)
    await session.flush()
    lot = (await session.execute(select(Lot).where(Lot.operation_id == op.id))).scalars().first()
    nc_id = None
    if not passed:
        nc = await open_nonconformance(
            session,
            site_id=op.site_id,
            product_id=order.product_id,
            defect_code=c.defect_code,
            description=_describe_failure(c, measurements, value),
            at=now,
            user_id=actor.user_id,
            order_id=order.id,
            operation_id=op.id,
            lot=lot,
            check_id=check.id,
            characteristic_id=c.id,
            hold=c.hold_on_fail,
        )
        nc_id = nc.id
    return CheckOut.of(
        check,
        characteristic_name=c.name,
        nonconformance_id=nc_id,
        lot_on_hold=bool(lot and lot.on_hold),
    )


async def checks_of(session: AsyncSession, operation_id: uuid.UUID) -> list[CheckOut]:
    op, _order = await _operation(session, operation_id)
    lot = (await session.execute(select(Lot).where(Lot.operation_id == op.id))).scalars().first()
    rows = await session.execute(
        select(QualityCheck, Characteristic.name, Nonconformance.id)
        .join(Characteristic, Characteristic.id == QualityCheck.characteristic_id)
        .outerjoin(Nonconformance, Nonconformance.check_id == QualityCheck.id)
        .where(QualityCheck.operation_id == op.id)
        .order_by(QualityCheck.taken_at, QualityCheck.id)
    )
    return [
        CheckOut.of(
            check, characteristic_name=name, nonconformance_id=nc_id, lot_on_hold=bool(lot and lot.on_hold)
        )
        for check, name, nc_id in rows.tuples()
    ]
