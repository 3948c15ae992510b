"""Turning collector samples into machine facts, once per batch."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.machines import events
from backend.domain.machines.models import (
    Collector,
    CountDelta,
    CounterState,
    IngestedBatch,
    MachineCurrent,
    MachineSettings,
    MachineStateChange,
    SignalValue,
)
from backend.domain.machines.rules import MachineState, StateEvent, counter_delta, debounce, state_of_run_bit
from backend.domain.people.roles import ADMIN_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed
from backend.lib.ids import new_token

COUNTER_ROLES = ("good_count", "scrap_count", "cycle_count")
SIGNAL_ROLES = frozenset({"analog", "run_hours"})
USABLE = frozenset({"good", "uncertain"})
SIGNAL_VALUES = cast(Table, SignalValue.__table__)
DEFAULT_SETTINGS = MachineSettings(
    debounce_s=2.0, micro_stop_s=120.0, ticket_after_s=300.0, counter_max=65535
)


@dataclass(frozen=True)
class SampleIn:
    """A collector sample as the domain needs it (the wire type lives with the collector)."""

    tag: str
    asset: str
    role: str
    value: bool | int | float | None
    quality: str
    at: datetime
    source: str
    seq: int


@dataclass(frozen=True)
class IngestOutcome:
    batch_id: uuid.UUID
    accepted: int
    duplicate: bool
    unknown_assets: tuple[str, ...] = ()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_collector(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID, name: str
) -> tuple[Collector, str]:
    """Register a collector for a site; the token is shown once."""
    actor.require_role(ADMIN_ROLES, "register collectors")
    if not actor.can_see_site(site_id):
        raise ValidationFailed("site_id", "no such site")
    token = "gct_" + new_token()
    collector = Collector(site_id=site_id, name=name, token_hash=_hash(token))
    session.add(collector)
    await session.flush()
    return collector, token


async def collector_for_token(session: AsyncSession, token: str) -> Collector | None:
    row = await session.scalar(select(Collector).where(Collector.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    return row


async def revoke_collector(
    session: AsyncSession, actor: Actor, collector_id: uuid.UUID, clock: Clock
) -> Collector:
    actor.require_role(ADMIN_ROLES, "revoke collectors")
    collector = await session.get(Collector, collector_id)
    if collector is None or not actor.can_see_site(collector.site_id):
        raise NotFound("collector not found")
    if collector.revoked_at is not None:
        raise Conflict("collector is already revoked")
    collector.revoked_at = clock.now()
    await session.flush()
    return collector


async def settings_for(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, MachineSettings]:
    rows = await session.execute(select(MachineSettings).where(MachineSettings.asset_id.in_(asset_ids)))
    found = {r.asset_id: r for r in rows.scalars()}
    return {a: found.get(a, DEFAULT_SETTINGS) for a in asset_ids}


async def ingest(
    session: AsyncSession,
    collector: Collector,
    batch_id: uuid.UUID,
    samples: Sequence[SampleIn],
    dropped: int,
    clock: Clock,
) -> IngestOutcome:
    """Store a batch's facts once: a batch id already stored is answered as a duplicate."""
    if await session.get(IngestedBatch, batch_id) is not None:
        return IngestOutcome(batch_id, 0, True)
    codes = sorted({s.asset for s in samples})
    assets = {
        a.code: a
        for a in (
            await session.execute(
                select(Asset).where(Asset.site_id == collector.site_id, Asset.code.in_(codes))
            )
        ).scalars()
    }
    unknown = tuple(c for c in codes if c not in assets)
    by_asset: dict[uuid.UUID, list[SampleIn]] = defaultdict(list)
    for s in samples:
        if s.asset in assets:
            by_asset[assets[s.asset].id].append(s)
    site_id = collector.site_id
    cfg = await settings_for(session, list(by_asset))
    changed: list[events.StateChanged] = []
    counted: list[events.Counted] = []
    signals: list[events.SignalBatch] = []
    for asset_id, rows in by_asset.items():
        rows.sort(key=_order)
        changed += await _ingest_states(session, site_id, asset_id, rows, cfg[asset_id], batch_id)
        counted += await _ingest_counts(session, site_id, asset_id, rows, cfg[asset_id], collector.id)
        signals += _signals_of(site_id, asset_id, rows)
    await _store_signals(session, signals)
    session.add(
        IngestedBatch(
            batch_id=batch_id,
            collector_id=collector.id,
            received_at=clock.now(),
            samples=len(samples),
            accepted=sum(len(r) for r in by_asset.values()),
        )
    )
    collector.last_batch_at = clock.now()
    collector.dropped_samples += dropped
    await session.flush()
    if changed:
        for state_hook in events.on_state_changes:
            await state_hook(session, changed)
    if counted:
        for count_hook in events.on_counts:
            await count_hook(session, counted)
    if signals:
        for signal_hook in events.on_signals:
            await signal_hook(session, signals)
    return IngestOutcome(batch_id, sum(len(r) for r in by_asset.values()), False, unknown)


_order = attrgetter("at", "seq")


def _events_of(rows: Sequence[SampleIn]) -> list[StateEvent]:
    """State events from run bits and fault codes; any stale tag makes the machine unknown."""
    out: list[StateEvent] = []
    fault: int | None = None
    running: MachineState | None = None
    for s in rows:
        if s.quality in {"stale", "bad"} and s.role in {"run_state", "fault_code"}:
            out.append(StateEvent(s.at, MachineState.UNKNOWN))
            running = MachineState.UNKNOWN
            continue
        if s.role == "fault_code" and s.value is not None:
            fault = int(s.value) or None
            if running is MachineState.STOPPED:
                out.append(StateEvent(s.at, MachineState.STOPPED, fault))
        elif s.role == "run_state":
            running = state_of_run_bit(s.value, s.quality)
            out.append(StateEvent(s.at, running, fault if running is MachineState.STOPPED else None))
    return out


async def _ingest_states(
    session: AsyncSession,
    site_id: uuid.UUID,
    asset_id: uuid.UUID,
    rows: Sequence[SampleIn],
    cfg: MachineSettings,
    batch_id: uuid.UUID,
) -> list[events.StateChanged]:
    new = _events_of(rows)
    if not new:
        return []
    window = timedelta(seconds=cfg.debounce_s)
    start = new[0].at - window
    # Re-derive from the last change before the new events so late or repeated data cannot corrupt.
    before = await session.scalar(
        select(MachineStateChange)
        .where(MachineStateChange.asset_id == asset_id, MachineStateChange.at < start)
        .order_by(MachineStateChange.at.desc())
        .limit(1)
    )
    stored = list(
        (
            await session.execute(
                select(MachineStateChange)
                .where(MachineStateChange.asset_id == asset_id, MachineStateChange.at >= start)
                .order_by(MachineStateChange.at)
            )
        ).scalars()
    )
    base = [StateEvent(before.at, MachineState(before.state), before.fault_code)] if before else []
    old = [StateEvent(r.at, MachineState(r.state), r.fault_code) for r in stored]
    merged = sorted(
        {(e.at, e.state.value, e.fault_code): e for e in [*base, *old, *new]}.values(), key=lambda e: e.at
    )
    result = debounce(merged, window)
    if base:
        result = result[1:] if result and result[0] == base[0] else result
    keep = {(e.at, e.state, e.fault_code) for e in result}
    have = {(r.at, MachineState(r.state), r.fault_code): r for r in stored}
    changes: list[events.StateChanged] = []
    for key, row in have.items():
        if key not in keep:
            await session.delete(row)
            changes.append(
                events.StateChanged(site_id, asset_id, row.at, row.state, row.fault_code, None, True)
            )
    previous = before.state if before else None
    for e in result:
        key = (e.at, e.state, e.fault_code)
        if key not in have:
            session.add(
                MachineStateChange(
                    site_id=site_id,
                    asset_id=asset_id,
                    at=e.at,
                    state=e.state.value,
                    fault_code=e.fault_code,
                    batch_id=batch_id,
                )
            )
            changes.append(
                events.StateChanged(site_id, asset_id, e.at, e.state.value, e.fault_code, previous)
            )
        previous = e.state.value
    await _update_current(session, site_id, asset_id, rows[-1].at)
    return changes


async def _update_current(
    session: AsyncSession, site_id: uuid.UUID, asset_id: uuid.UUID, last_at: datetime
) -> None:
    await session.flush()
    latest = await session.scalar(
        select(MachineStateChange)
        .where(MachineStateChange.asset_id == asset_id)
        .order_by(MachineStateChange.at.desc())
        .limit(1)
    )
    current = await session.get(MachineCurrent, asset_id)
    if current is None:
        current = MachineCurrent(site_id=site_id, asset_id=asset_id)
        session.add(current)
    if latest is not None:
        current.state, current.since, current.fault_code = latest.state, latest.at, latest.fault_code
    if current.last_sample_at is None or last_at > current.last_sample_at:
        current.last_sample_at = last_at


async def _ingest_counts(
    session: AsyncSession,
    site_id: uuid.UUID,
    asset_id: uuid.UUID,
    rows: Sequence[SampleIn],
    cfg: MachineSettings,
    collector_id: uuid.UUID,
) -> list[events.Counted]:
    out: list[events.Counted] = []
    for role in COUNTER_ROLES:
        samples = [
            s for s in rows if s.role == role and s.quality in {"good", "uncertain"} and s.value is not None
        ]
        if not samples:
            continue
        state = await session.get(CounterState, (asset_id, role))
        for s in samples:
            raw = int(s.value)  # type: ignore[arg-type]
            if state is not None and s.at <= state.at:
                continue  # a late reading of a cumulative counter adds nothing
            step = counter_delta(state.raw if state else None, raw, cfg.counter_max)
            if state is None:
                state = CounterState(asset_id=asset_id, role=role, raw=raw, at=s.at)
                session.add(state)
            else:
                state.raw, state.at = raw, s.at
            if step.delta <= 0:
                continue
            source = f"{collector_id}:{s.source}"
            session.add(
                CountDelta(
                    site_id=site_id,
                    asset_id=asset_id,
                    role=role,
                    delta=step.delta,
                    at=s.at,
                    source=source,
                    seq=s.seq,
                    note=step.note,
                )
            )
            out.append(events.Counted(site_id, asset_id, role, step.delta, s.at, f"{source}:{s.seq}:{role}"))
    return out


def _signals_of(
    site_id: uuid.UUID, asset_id: uuid.UUID, rows: Sequence[SampleIn]
) -> list[events.SignalBatch]:
    # Most of a batch passes through here: per sample, only lookups and the appended value.
    grouped: dict[tuple[str, str], list[tuple[datetime, float]]] = {}
    names: dict[str, str] = {}
    for s in rows:
        if s.value is None or s.role not in SIGNAL_ROLES or s.quality not in USABLE:
            continue
        name = names.get(s.tag)
        if name is None:
            name = names[s.tag] = signal_name(s.tag, s.asset)
        values = grouped.get((name, s.role))
        if values is None:
            values = grouped[(name, s.role)] = []
        values.append((s.at, float(s.value)))
    return [
        events.SignalBatch(site_id, asset_id, tag, role, values) for (tag, role), values in grouped.items()
    ]


async def _store_signals(session: AsyncSession, batches: Sequence[events.SignalBatch]) -> None:
    """Raw values are the bulk of a batch: one multi-row INSERT, no ORM objects to track."""
    rows = [
        {
            "site_id": b.site_id,
            "asset_id": b.asset_id,
            "signal": b.signal,
            "at": at,
            "value": value,
        }
        for b in batches
        for at, value in b.values
    ]
    if rows:
        await session.execute(insert(SIGNAL_VALUES), rows)


def signal_name(tag: str, asset_code: str) -> str:
    """Tags are often named `<asset>.<signal>`; condition rules name the signal alone."""
    prefix = f"{asset_code}."
    return tag[len(prefix) :] if tag.startswith(prefix) else tag


async def purge_signal_values(session: AsyncSession, older_than: datetime) -> int:
    """Retention: raw signal values older than the cut-off are deleted (facts derived from them stay)."""
    result = await session.execute(delete(SignalValue).where(SignalValue.at < older_than))
    return int(getattr(result, "rowcount", 0) or 0)
