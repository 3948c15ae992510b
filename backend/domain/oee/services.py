"""OEE per machine, line and site, per shift, day or week; live up to now, recomputed from stored facts."""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.assets.services import get_asset
from backend.domain.downtime.models import DowntimeEvent
from backend.domain.machines.models import CountDelta, MachineStateChange
from backend.domain.machines.services import settings_for
from backend.domain.oee import providers
from backend.domain.oee.buckets import Change, classify
from backend.domain.oee.calendar import Shift, planned_time, shift_instances
from backend.domain.oee.intervals import Interval
from backend.domain.oee.models import NonWorkingDay, OeePolicy, PlannedDowntime, ShiftPattern
from backend.domain.oee.rules import Counts, Figures, MicroStopPolicy, TimeBuckets, combine, compute
from backend.domain.oee.schemas import FigureOut, Inputs, PolicyOut
from backend.domain.people.models import Site
from backend.lib.errors import ValidationFailed

MAX_WINDOWS = 400

_EXPLAIN = {
    "performance": "micro-stops stay in run time and lower performance (six big losses)",
    "availability": "micro-stops are taken out of run time and lower availability (ISO 22400-2 delay time)",
}


@dataclass(frozen=True)
class Context:
    site: Site
    policy: OeePolicy
    shifts: list[Shift]
    non_working: list[date]


async def policy_for(session: AsyncSession, site_id: uuid.UUID) -> OeePolicy:
    found = await session.scalar(select(OeePolicy).where(OeePolicy.site_id == site_id))
    return found or OeePolicy(site_id=site_id, micro_stops="performance", pm_windows_planned=True)


def policy_out(policy: OeePolicy) -> PolicyOut:
    return PolicyOut(
        micro_stops=policy.micro_stops,
        pm_windows_planned=policy.pm_windows_planned,
        explanation=_EXPLAIN[policy.micro_stops]
        + (
            "; PM windows are planned downtime"
            if policy.pm_windows_planned
            else "; PM windows count as downtime"
        ),
    )


def _line_of(asset: Asset) -> uuid.UUID | None:
    ids = [uuid.UUID(p) for p in asset.path.strip("/").split("/")]
    return ids[1] if len(ids) >= 2 else None


async def _context(session: AsyncSession, site_id: uuid.UUID, line_id: uuid.UUID | None) -> Context:
    site = await session.get(Site, site_id)
    assert site is not None
    stmt = select(ShiftPattern).where(ShiftPattern.site_id == site_id)
    patterns = list((await session.execute(stmt)).scalars())
    own = [p for p in patterns if p.line_id == line_id and line_id is not None]
    chosen = own or [p for p in patterns if p.line_id is None]
    shifts = [
        Shift(p.name, frozenset(p.weekdays), p.start_time, p.hours, tuple((b[0], b[1]) for b in p.breaks))
        for p in chosen
    ]
    days = list(
        (await session.execute(select(NonWorkingDay.day).where(NonWorkingDay.site_id == site_id))).scalars()
    )
    return Context(site, await policy_for(session, site_id), shifts, days)


@dataclass(frozen=True)
class MachineData:
    """Everything one machine's figures need over a whole range, read once (then sliced per period)."""

    machine: Asset
    ctx: Context
    changes: list[Change]
    planned_down: list[Interval]
    reasons: dict[datetime, str]
    counts: list[tuple[datetime, str, int]]
    micro_stop_s: float
    cycles: providers.IdealCycles

    @cached_property
    def count_stamps(self) -> list[datetime]:
        """When each count happened, for slicing the counts by period (built once per range)."""
        return [c[0] for c in self.counts]


async def load_machine(
    session: AsyncSession, machine: Asset, ctx: Context, start: datetime, end: datetime
) -> MachineData:
    kinds = ["changeover", "no_orders", "other", *(["pm"] if ctx.policy.pm_windows_planned else [])]
    line_id = _line_of(machine)
    owners = [machine.id, *([line_id] if line_id else [])]
    planned_down = [
        (p.starts_at, p.ends_at)
        for p in (
            await session.execute(
                select(PlannedDowntime).where(
                    PlannedDowntime.asset_id.in_(owners),
                    PlannedDowntime.kind.in_(kinds),
                    PlannedDowntime.starts_at < end,
                    PlannedDowntime.ends_at > start,
                )
            )
        ).scalars()
    ]
    sc = MachineStateChange
    before = (
        await session.execute(
            select(sc.at, sc.state)
            .where(sc.asset_id == machine.id, sc.at <= start)
            .order_by(sc.at.desc())
            .limit(1)
        )
    ).first()
    inside = (
        await session.execute(
            select(sc.at, sc.state)
            .where(sc.asset_id == machine.id, sc.at > start, sc.at < end)
            .order_by(sc.at)
        )
    ).all()
    after = (
        await session.execute(
            select(sc.at, sc.state).where(sc.asset_id == machine.id, sc.at >= end).order_by(sc.at).limit(1)
        )
    ).first()
    rows = [r for r in [before, *inside, after] if r is not None]
    changes = _merge_fault_updates([Change(r[0], r[1]) for r in rows])
    events = (
        await session.execute(
            select(DowntimeEvent).where(
                DowntimeEvent.asset_id == machine.id,
                DowntimeEvent.started_at < end,
                or_(DowntimeEvent.ended_at.is_(None), DowntimeEvent.ended_at > start),
            )
        )
    ).scalars()
    reasons = {e.started_at: _reason_label(e) for e in events}
    counts = [
        (r[0], r[1], int(r[2]))
        for r in await session.execute(
            select(CountDelta.at, CountDelta.role, CountDelta.delta)
            .where(CountDelta.asset_id == machine.id, CountDelta.at >= start, CountDelta.at < end)
            .where(CountDelta.role.in_(("good_count", "scrap_count")))
            .order_by(CountDelta.at)
        )
    ]
    cfg = (await settings_for(session, [machine.id]))[machine.id]
    cycles = await providers.ideal_cycles(session, machine.id, start, end, cfg.ideal_cycle_s)
    return MachineData(machine, ctx, changes, planned_down, reasons, counts, cfg.micro_stop_s, cycles)


async def _machine_buckets(
    session: AsyncSession, data: MachineData, window: Interval, now: datetime
) -> tuple[TimeBuckets, Counts, float | None, str]:
    start, end = window
    instances = shift_instances(data.ctx.shifts, data.ctx.site.timezone, window, data.ctx.non_working)
    planned = planned_time(instances, window, data.planned_down)
    times = [c.at for c in data.changes]
    lo = max(bisect_right(times, start) - 1, 0)
    hi = bisect_left(times, end) + 1
    buckets = classify(data.changes[lo:hi], window, planned, data.micro_stop_s, now, data.reasons)
    stop = min(end, now)
    counts, ideal, source = await _counts_and_ideal(session, data, start, max(stop, start))
    return buckets, counts, ideal, source


async def _counts_and_ideal(
    session: AsyncSession, data: MachineData, start: datetime, stop: datetime
) -> tuple[Counts, float | None, str]:
    """The window's counts and their count-weighted ideal cycle time: each unit weighs with the
    ideal cycle of what ran when it was counted (an order started mid-shift changes it there).
    None when some counted units had no ideal cycle time at all."""
    good = scrap = 0
    ideal_time = 0.0
    sources: set[str] = set()
    missing = False
    stamps = data.count_stamps
    for span in data.cycles.spans(start, stop):
        found = await providers.provided_counts(session, data.machine.id, span.start, span.end)
        if found is None:
            chunk = data.counts[bisect_left(stamps, span.start) : bisect_left(stamps, span.end)]
            found = (
                sum(d for _, role, d in chunk if role == "good_count"),
                sum(d for _, role, d in chunk if role == "scrap_count"),
            )
        good, scrap = good + found[0], scrap + found[1]
        units = found[0] + found[1]
        if not units:
            continue
        if span.ideal is None:
            missing = True
        else:
            ideal_time += span.ideal * units
            sources.add(span.source)
    counts = Counts(good, scrap)
    if not counts.total:
        ideal, source = data.cycles.at(start)
        return counts, ideal, source
    if missing:
        return counts, None, "none configured for part of the count"
    return counts, ideal_time / counts.total, " and ".join(sorted(sources, reverse=True))


def _merge_fault_updates(changes: list[Change]) -> list[Change]:
    """A fault-code update during a stop is not a new stop."""
    out: list[Change] = []
    for c in changes:
        if out and out[-1].state == c.state:
            continue
        out.append(c)
    return out


def _reason_label(event: DowntimeEvent) -> str:
    if event.reason_label or event.reason_code:
        return event.reason_label or event.reason_code or ""
    if event.work_order_id is not None:
        return "awaiting work order close"
    return "unclassified"


def windows(ctx: Context, start: datetime, end: datetime, by: str) -> list[tuple[str, Interval]]:
    zone = ZoneInfo(ctx.site.timezone)
    out: list[tuple[str, Interval]] = []
    if by == "shift":
        for inst in shift_instances(ctx.shifts, ctx.site.timezone, (start, end), ctx.non_working):
            out.append((f"{inst.name} {inst.start.astimezone(zone):%Y-%m-%d}", (inst.start, inst.end)))
    else:
        day = start.astimezone(zone).date()
        if by == "week":
            day -= timedelta(days=day.weekday())
        step = timedelta(days=7 if by == "week" else 1)
        while True:
            w_start = datetime.combine(day, time(0), tzinfo=zone)
            w_end = datetime.combine(day + step, time(0), tzinfo=zone)
            if w_start >= end:
                break
            label = f"{day:%G-W%V}" if by == "week" else f"{day:%Y-%m-%d}"
            out.append((label, (w_start, w_end)))
            day += step
    if len(out) > MAX_WINDOWS:
        raise ValidationFailed("to", f"the range holds {len(out)} periods; at most {MAX_WINDOWS} at once")
    return out


def _out(
    asset_id: uuid.UUID,
    scope: str,
    label: str,
    window: Interval,
    f: Figures,
    b: TimeBuckets,
    source: str,
    policy: OeePolicy,
) -> FigureOut:
    return FigureOut(
        asset_id=asset_id,
        scope=scope,
        label=label,
        start=window[0],
        end=window[1],
        availability=f.availability,
        performance=f.performance,
        quality=f.quality,
        oee=f.oee,
        inputs=Inputs(
            planned_time_s=f.planned_time_s,
            run_time_s=f.run_time_s,
            micro_stops_s=b.micro_stops,
            downtime_s=b.downtime,
            unknown_s=b.unknown,
            good=f.good,
            scrap=f.scrap,
            ideal_cycle_s=f.ideal_cycle_s,
            ideal_cycle_source=source,
            policy=policy_out(policy),
        ),
        loss_tree=f.loss_tree,
    )


async def _machines_under(session: AsyncSession, root: Asset) -> list[Asset]:
    if root.level == "machine":
        return [root]
    stmt = select(Asset).where(
        Asset.path.startswith(root.path), Asset.level == "machine", Asset.retired_at.is_(None)
    )
    return list((await session.execute(stmt.order_by(Asset.path))).scalars())


async def figures(
    session: AsyncSession,
    *,
    asset_id: uuid.UUID | None,
    site_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
    by: str,
    now: datetime,
) -> list[FigureOut]:
    """OEE of a machine, a line (or area) or a whole site, one figure per period."""
    if end <= start:
        raise ValidationFailed("to", "must be after 'from'")
    if asset_id is not None:
        root = await get_asset(session, asset_id)
        machines = await _machines_under(session, root)
        scope, owner, site = ("machine" if root.level == "machine" else root.level), root.id, root.site_id
        line = (
            _line_of(root)
            if root.level in {"machine", "component"}
            else (root.id if root.level == "line" else None)
        )
    elif site_id is not None:
        machines = list(
            (
                await session.execute(
                    select(Asset).where(
                        Asset.site_id == site_id, Asset.level == "machine", Asset.retired_at.is_(None)
                    )
                )
            ).scalars()
        )
        scope, owner, site, line = "site", site_id, site_id, None
    else:
        raise ValidationFailed("asset_id", "give an asset_id or a site_id")
    ctx = await _context(session, site, line)
    periods = windows(ctx, start, end, by)
    if not periods:
        return []
    span = (periods[0][1][0], periods[-1][1][1])
    contexts: dict[uuid.UUID | None, Context] = {line: ctx}
    loaded: list[MachineData] = []
    for m in machines:
        m_line = line if line is not None or scope == "machine" else _line_of(m)
        if m_line not in contexts:
            contexts[m_line] = await _context(session, site, m_line)
        loaded.append(await load_machine(session, m, contexts[m_line], span[0], span[1]))
    out: list[FigureOut] = []
    for label, window in periods:
        parts = []
        sources = set()
        for data in loaded:
            b, c, ideal, source = await _machine_buckets(session, data, window, now)
            parts.append((b, c, ideal))
            sources.add(source)
        policy = MicroStopPolicy(ctx.policy.micro_stops)
        f = (
            combine(parts, policy)
            if len(parts) != 1
            else compute(parts[0][0], parts[0][1], parts[0][2], policy)
        )
        merged = _sum_buckets([p[0] for p in parts])
        out.append(
            _out(
                owner,
                scope,
                label,
                window,
                f,
                merged,
                ", ".join(sorted(sources)) or "none configured",
                ctx.policy,
            )
        )
    return out


def _sum_buckets(parts: Sequence[TimeBuckets]) -> TimeBuckets:
    return TimeBuckets(
        planned=sum(p.planned for p in parts),
        running=sum(p.running for p in parts),
        micro_stops=sum(p.micro_stops for p in parts),
        downtime=sum(p.downtime for p in parts),
        unknown=sum(p.unknown for p in parts),
    )
