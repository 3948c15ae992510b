"""Downtime events kept in step with machine state changes; reasons from work orders or operators."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.downtime.episodes import Episode, StateRow, episodes, needs_ticket, qualifies
from backend.domain.downtime.models import DowntimeEvent, DowntimeReason
from backend.domain.machines import events as machine_events
from backend.domain.machines.models import MachineCurrent, MachineStateChange
from backend.domain.machines.services import settings_for
from backend.domain.people.roles import PRODUCTION_ROLES, Actor, Role
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed
from backend.lib.ids import uuid7

# A restart shorter than this does not end a stop: the flapping machine has one event, one ticket.
REOPEN_AFTER = timedelta(seconds=60)
# How far before the earliest new change the episodes are re-derived (late data may reshape them).
LOOKBACK = timedelta(hours=12)

TicketRaiser = Callable[[AsyncSession, DowntimeEvent, datetime], Awaitable[None]]
# The maintenance side registers how a ticket is raised (create or link a corrective work order).
ticket_raisers: list[TicketRaiser] = []


async def _rows(session: AsyncSession, asset_id: uuid.UUID, since: datetime) -> list[StateRow]:
    before = await session.scalar(
        select(MachineStateChange)
        .where(MachineStateChange.asset_id == asset_id, MachineStateChange.at < since)
        .order_by(MachineStateChange.at.desc())
        .limit(1)
    )
    rows = (
        await session.execute(
            select(MachineStateChange)
            .where(MachineStateChange.asset_id == asset_id, MachineStateChange.at >= since)
            .order_by(MachineStateChange.at)
        )
    ).scalars()
    found = [StateRow(r.at, r.state, r.fault_code) for r in rows]
    return ([StateRow(before.at, before.state, before.fault_code)] if before else []) + found


async def reconcile(
    session: AsyncSession, site_id: uuid.UUID, asset_id: uuid.UUID, since: datetime, now: datetime
) -> list[DowntimeEvent]:
    """Make the machine's downtime events match its stops from `since` on; returns events that need a ticket."""
    open_event = await session.scalar(
        select(DowntimeEvent)
        .where(DowntimeEvent.asset_id == asset_id, DowntimeEvent.ended_at.is_(None))
        .order_by(DowntimeEvent.started_at)
        .limit(1)
    )
    horizon = min(since - LOOKBACK, open_event.started_at if open_event else since)
    cfg = (await settings_for(session, [asset_id]))[asset_id]
    found = [
        ep
        for ep in episodes(await _rows(session, asset_id, horizon), REOPEN_AFTER)
        if ep.started_at >= horizon
    ]
    existing = list(
        (
            await session.execute(
                select(DowntimeEvent)
                .where(DowntimeEvent.asset_id == asset_id, DowntimeEvent.started_at >= horizon)
                .order_by(DowntimeEvent.started_at)
            )
        ).scalars()
    )
    matched: set[uuid.UUID] = set()
    ticket: list[DowntimeEvent] = []
    for ep in found:
        if not qualifies(ep, now, cfg.micro_stop_s):
            continue
        event = _match(existing, ep, matched)
        if event is None:
            event = DowntimeEvent(
                id=uuid7(), site_id=site_id, asset_id=asset_id, started_at=ep.started_at, version=0
            )
            session.add(event)
            existing.append(event)
        matched.add(event.id)
        _apply(event, ep)
        if event.work_order_id is None and needs_ticket(ep, now, cfg.ticket_after_s):
            ticket.append(event)
    for event in existing:
        # Late data can turn a stop into a glitch; an event nobody acted on then goes away.
        if event.id not in matched and event.work_order_id is None and event.ticket_raised_at is None:
            await session.delete(event)
    await session.flush()
    return ticket


def _match(existing: Sequence[DowntimeEvent], ep: Episode, matched: set[uuid.UUID]) -> DowntimeEvent | None:
    for event in existing:
        if event.id in matched:
            continue
        ends = ep.ended_at
        overlaps = (
            event.started_at <= (ends or event.started_at)
            and (event.ended_at or ep.started_at) >= ep.started_at
        )
        if event.started_at == ep.started_at or overlaps:
            return event
    return None


def _apply(event: DowntimeEvent, ep: Episode) -> None:
    new = (ep.started_at, ep.ended_at, ep.fault_code)
    if (event.started_at, event.ended_at, event.fault_code) != new or not event.version:
        event.started_at, event.ended_at, event.fault_code = new
        event.version = (event.version or 0) + 1


async def _raise_tickets(session: AsyncSession, events: Sequence[DowntimeEvent], now: datetime) -> None:
    for event in events:
        for raiser in ticket_raisers:
            await raiser(session, event, now)
        if event.work_order_id is not None:
            event.ticket_raised_at = event.ticket_raised_at or now
    await session.flush()


async def on_state_changes(session: AsyncSession, changes: list[machine_events.StateChanged]) -> None:
    """Ingest hook: judge stops by the data's own time (the job judges ongoing ones by the clock)."""
    by_asset: dict[uuid.UUID, list[machine_events.StateChanged]] = {}
    for c in changes:
        by_asset.setdefault(c.asset_id, []).append(c)
    for asset_id, group in by_asset.items():
        site_id = group[0].site_id
        latest = await session.scalar(
            select(MachineStateChange.at)
            .where(MachineStateChange.asset_id == asset_id)
            .order_by(MachineStateChange.at.desc())
            .limit(1)
        )
        now = max(c.at for c in group) if latest is None else max(latest, *(c.at for c in group))
        ticket = await reconcile(session, site_id, asset_id, min(c.at for c in group), now)
        await _raise_tickets(session, ticket, now)


async def evaluate_open_stops(session: AsyncSession, clock: Clock) -> int:
    """Periodic: stops still going on become events and tickets as the clock passes the thresholds."""
    now = clock.now()
    stopped = (
        (await session.execute(select(MachineCurrent).where(MachineCurrent.state == "stopped")))
        .scalars()
        .all()
    )
    raised = 0
    for current in stopped:
        ticket = await reconcile(session, current.site_id, current.asset_id, current.since, now)
        await _raise_tickets(session, ticket, now)
        raised += len(ticket)
    return raised


async def get_event(session: AsyncSession, event_id: uuid.UUID) -> DowntimeEvent:
    event = await session.get(DowntimeEvent, event_id)
    if event is None:
        raise NotFound("downtime event not found")
    return event


async def classify(
    session: AsyncSession, actor: Actor, event_id: uuid.UUID, reason_code: str, clock: Clock
) -> DowntimeEvent:
    """An operator names the reason of a stop that has no work order; a work order's codes win."""
    actor.require_role(PRODUCTION_ROLES | {Role.TECHNICIAN}, "classify downtime")
    event = (
        await session.execute(select(DowntimeEvent).where(DowntimeEvent.id == event_id))
    ).scalar_one_or_none()
    if event is None:
        raise NotFound("downtime event not found")
    if event.reason_source == "work_order" or event.work_order_id is not None:
        raise Conflict(
            "this stop's reason comes from its work order's failure codes",
            work_order_id=str(event.work_order_id),
        )
    reason = await session.scalar(
        select(DowntimeReason).where(
            DowntimeReason.site_id == event.site_id,
            DowntimeReason.code == reason_code,
            DowntimeReason.active.is_(True),
        )
    )
    if reason is None:
        raise ValidationFailed("reason_code", f"no such reason {reason_code!r} in this site's reason tree")
    event.reason_code, event.reason_label = reason.code, f"{reason.category}: {reason.label}"
    event.reason_source, event.classified_by = "operator", actor.user_id
    event.version += 1
    await session.flush()
    return event


async def set_reason_from_work_order(
    session: AsyncSession, work_order_id: uuid.UUID, code: str | None, label: str | None
) -> list[DowntimeEvent]:
    """The closed work order's failure codes become the reason of every stop it repaired."""
    events = list(
        (
            await session.execute(select(DowntimeEvent).where(DowntimeEvent.work_order_id == work_order_id))
        ).scalars()
    )
    for event in events:
        event.reason_code, event.reason_label, event.reason_source = code, label, "work_order"
        event.classified_by = None
        event.version += 1
    await session.flush()
    return events
