"""Condition plans: evaluate a signal's new values against every rule that watches it."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.meters.services import check_meter_name
from backend.domain.pm.models import PmConditionState, PmOccurrence, PmPlan
from backend.domain.pm.rules import (
    ConditionRule,
    Episode,
    Fire,
    OccurrenceStatus,
    Operator,
    PlanKind,
    advance,
)
from backend.domain.pm.services.generator import episode_key
from backend.domain.pm.services.plans import covers, plans_covering
from backend.lib.errors import ValidationFailed


def _checked(values: Sequence[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    out = []
    for i, (at, value) in enumerate(values):
        if at.tzinfo is None:
            raise ValidationFailed(f"values[{i}].at", "must carry a time zone")
        if not math.isfinite(value):
            raise ValidationFailed(f"values[{i}].value", "must be a finite number")
        out.append((at, float(value)))
    return out


async def record_signal_values(
    session: AsyncSession,
    site_id: uuid.UUID,
    asset_id: uuid.UUID,
    signal: str,
    values: Sequence[tuple[datetime, float]],
) -> list[PmOccurrence]:
    """Feed new values of an asset's signal to the condition plans watching it.

    Returns the occurrences that fired (one per episode: the limit breached for the plan's whole
    duration); they stay pending until the generator makes their work orders. Values before a
    plan's `effective_from` and values not after the last one seen are ignored. The raw values
    themselves are stored, with their retention, by the machines context.
    """
    check_meter_name(signal, "signal")
    samples = _checked(values)
    asset = await session.scalar(select(Asset).where(Asset.id == asset_id))
    if asset is None or asset.site_id != site_id:
        raise ValidationFailed("asset_id", "no such asset on this site")
    if asset.retired_at is not None or not samples:
        return []
    fired: list[PmOccurrence] = []
    for plan in await plans_covering(session, asset, PlanKind.CONDITION):
        if plan.signal != signal:
            continue
        state = await _state(session, plan.id, asset.id)
        episode = Episode(state.episode_start, state.fired, state.last_at)
        assert plan.operator is not None
        assert plan.threshold is not None
        rule = ConditionRule(Operator(plan.operator), plan.threshold, timedelta(seconds=plan.duration_s or 0))
        fires = advance(episode, [s for s in samples if s[0] >= plan.effective_from], rule)
        state.episode_start, state.fired, state.last_at = episode.start, episode.fired, episode.last_at
        for fire in fires:
            occurrence = await _pending(session, plan, asset, fire)
            if occurrence is not None:
                fired.append(occurrence)
    await session.flush()
    return fired


async def watched_signals(
    session: AsyncSession, site_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, frozenset[str]]:
    """The signals that active condition plans watch on each of these assets.

    Two queries for a whole ingest batch, so the values of unwatched signals (most of them) cost
    nothing beyond their storage; the watched ones go through `record_signal_values`.
    """
    if not asset_ids:
        return {}
    plans = list(
        (
            await session.execute(
                select(PmPlan).where(
                    PmPlan.site_id == site_id,
                    PmPlan.active.is_(True),
                    PmPlan.kind == PlanKind.CONDITION.value,
                    PmPlan.signal.is_not(None),
                )
            )
        ).scalars()
    )
    if not plans:
        return {}
    assets = (
        await session.execute(select(Asset).where(Asset.id.in_(set(asset_ids)), Asset.retired_at.is_(None)))
    ).scalars()
    return {
        asset.id: frozenset(plan.signal for plan in plans if plan.signal and covers(plan, asset))
        for asset in assets
    }


async def _state(session: AsyncSession, plan_id: uuid.UUID, asset_id: uuid.UUID) -> PmConditionState:
    stmt = (
        select(PmConditionState)
        .where(PmConditionState.plan_id == plan_id, PmConditionState.asset_id == asset_id)
        .with_for_update()
    )
    state = (await session.execute(stmt)).scalar_one_or_none()
    if state is not None:
        return state
    try:
        async with session.begin_nested():
            state = PmConditionState(plan_id=plan_id, asset_id=asset_id, fired=False)
            session.add(state)
            await session.flush()
            return state
    except IntegrityError:
        return (await session.execute(stmt)).scalar_one()


async def _pending(session: AsyncSession, plan: PmPlan, asset: Asset, fire: Fire) -> PmOccurrence | None:
    due = fire.at + timedelta(days=plan.due_in_days)
    try:
        async with session.begin_nested():
            occurrence = PmOccurrence(
                site_id=asset.site_id,
                plan_id=plan.id,
                asset_id=asset.id,
                key=episode_key(asset.id, fire.episode_start),
                status=OccurrenceStatus.PENDING,
                due_at=due,
                grace_until=due + timedelta(days=plan.grace_days),
                triggered_at=fire.at,
                episode_start=fire.episode_start,
                created_at=fire.at,
                updated_at=fire.at,
            )
            session.add(occurrence)
            await session.flush()
            return occurrence
    except IntegrityError:
        return None
