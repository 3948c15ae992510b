"""Condition plans: a work order only after the limit was breached for the whole duration, once per episode."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines import services as machines
from backend.domain.machines.models import Collector, SignalValue
from backend.domain.machines.services import SampleIn
from backend.domain.pm.services.conditions import watched_signals
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.machines import collector_token
from tests.factories.pm import PmFactory
from tests.integration.pm.conftest import Cell

M = timedelta(minutes=1)


async def test_a_condition_plan_fires_once_the_limit_was_exceeded_for_the_whole_duration(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.condition(cell.machine, threshold=7.1, duration_s=600, due_in_days=1)
    t0 = clock.now()
    assert await pm.signal(cell.machine, [(t0, 7.5), (t0 + 5 * M, 8.0), (t0 + 9 * M, 7.9)]) == []
    await pm.generate()
    assert await pm.work_orders(plan) == []
    [fired] = await pm.signal(cell.machine, [(t0 + 10 * M, 7.6)])
    assert (fired.episode_start, fired.triggered_at) == (t0, t0 + 10 * M)
    clock.set(t0 + 11 * M)
    await pm.generate()
    [wo] = await pm.work_orders(plan)
    assert (wo.type, wo.due_at) == ("condition_based", t0 + 10 * M + timedelta(days=1))


async def test_a_short_spike_over_the_limit_does_not_fire(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.condition(cell.machine, threshold=7.1, duration_s=600)
    t0 = clock.now()
    await pm.signal(cell.machine, [(t0, 12.0), (t0 + M, 3.0), (t0 + 20 * M, 2.9)])
    clock.set(t0 + 30 * M)
    await pm.generate()
    assert await pm.occurrences(plan) == []


async def test_an_episode_fires_only_once_however_long_it_lasts(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.condition(cell.machine, threshold=7.1, duration_s=600)
    t0 = clock.now()
    for minute in range(0, 120, 5):
        await pm.signal(cell.machine, [(t0 + minute * M, 9.0)])
        clock.set(t0 + minute * M)
        await pm.generate()
    assert len(await pm.occurrences(plan)) == 1
    assert len(await pm.work_orders(plan)) == 1


async def test_a_new_episode_fires_again_once_the_previous_work_is_done(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.condition(cell.machine, operator="<", threshold=2.0, duration_s=60, signal="oil_pressure")
    t0 = clock.now()
    await pm.signal(cell.machine, [(t0, 1.0), (t0 + 2 * M, 1.5), (t0 + 3 * M, 4.0)], signal="oil_pressure")
    clock.set(t0 + 4 * M)
    await pm.generate()
    [first] = await pm.work_orders(plan)
    await pm.complete(first, t0 + 5 * M)
    await pm.signal(cell.machine, [(t0 + 6 * M, 1.0), (t0 + 8 * M, 1.0)], signal="oil_pressure")
    clock.set(t0 + 9 * M)
    await pm.generate()
    assert len(await pm.work_orders(plan)) == 2


async def test_a_new_episode_while_the_last_work_order_is_open_is_skipped_not_stacked(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.condition(cell.machine, threshold=7.1, duration_s=60)
    t0 = clock.now()
    await pm.signal(cell.machine, [(t0, 8.0), (t0 + 2 * M, 5.0)])
    clock.set(t0 + 3 * M)
    await pm.generate()
    await pm.signal(cell.machine, [(t0 + 4 * M, 8.0), (t0 + 6 * M, 5.0)])
    clock.set(t0 + 7 * M)
    report = await pm.generate()
    assert (report.generated, report.skipped) == (0, 1)
    assert [o.status for o in await pm.occurrences(plan)] == ["generated", "skipped"]
    assert len(await pm.work_orders(plan)) == 1


async def test_other_signals_and_other_assets_do_not_feed_the_rule(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.condition(cell.machine, threshold=7.1, duration_s=60)
    other = await factory.asset(cell.site, asset_class="cnc-mill")
    t0 = clock.now()
    await pm.signal(cell.machine, [(t0, 9.0), (t0 + 5 * M, 9.0)], signal="temperature")
    await pm.signal(other, [(t0, 9.0), (t0 + 5 * M, 9.0)])
    assert await pm.occurrences(plan) == []


async def test_analog_signals_from_the_collector_feed_condition_plans(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock, session: AsyncSession
) -> None:
    await collector_token(factory, cell.site)
    collector = (await session.execute(select(Collector))).scalars().one()
    plan = await pm.condition(cell.machine, threshold=7.1, duration_s=600)
    t0 = clock.now()
    samples = [
        SampleIn(
            tag=f"{cell.machine.code}.vibration",
            asset=cell.machine.code,
            role="analog",
            value=value,
            quality="good",
            at=t0 + i * 5 * M,
            source="plc",
            seq=i + 1,
        )
        for i, value in enumerate((7.5, 7.8, 8.1))
    ]
    await machines.ingest(session, collector, uuid.uuid4(), samples, 0, clock)
    await session.commit()
    [occurrence] = await pm.occurrences(plan)
    assert (occurrence.status, occurrence.episode_start) == ("pending", t0)


async def test_a_class_plan_watches_each_asset_on_its_own(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.condition(
        None, asset_class="cnc-mill", site_id=cell.site.id, threshold=7.1, duration_s=60
    )
    other = await factory.asset(cell.site, asset_class="cnc-mill")
    t0 = clock.now()
    await pm.signal(cell.machine, [(t0, 9.0)])
    await pm.signal(other, [(t0, 9.0), (t0 + 2 * M, 9.0)])
    await pm.signal(cell.machine, [(t0 + 2 * M, 1.0)])
    clock.set(t0 + 3 * M)
    await pm.generate()
    assert sorted(wo.asset_id for wo in await pm.work_orders(plan)) == sorted([cell.machine.id, other.id])


async def test_the_signals_watched_on_each_asset_follow_the_plans_that_cover_it(
    pm: PmFactory, factory: Factory, cell: Cell
) -> None:
    area = await factory.asset(cell.site, level="area")
    under = await factory.asset(cell.site, parent=area, asset_class="cnc-mill")
    elsewhere = await factory.asset(cell.site, asset_class="cnc-mill")
    lathe = await factory.asset(cell.site, parent=area, asset_class="lathe")
    await pm.condition(cell.machine, signal="vibration")
    await pm.condition(
        None, asset_class="cnc-mill", site_id=cell.site.id, under_asset_id=area.id, signal="spindle_temp"
    )
    await pm.pause(await pm.condition(cell.machine, signal="oil_pressure"))
    ids = [cell.machine.id, under.id, elsewhere.id, lathe.id]
    watched = await watched_signals(pm.session, cell.site.id, ids)
    assert {a: watched.get(a, frozenset()) for a in ids} == {
        cell.machine.id: {"vibration"},
        under.id: {"spindle_temp"},
        elsewhere.id: frozenset(),
        lathe.id: frozenset(),
    }


async def test_an_unwatched_signal_from_the_collector_is_stored_without_feeding_any_plan(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock, session: AsyncSession
) -> None:
    await collector_token(factory, cell.site)
    collector = (await session.execute(select(Collector))).scalars().one()
    plan = await pm.condition(cell.machine, threshold=7.1, duration_s=0)
    t0 = clock.now()
    samples = [
        SampleIn(f"{cell.machine.code}.{name}", cell.machine.code, "analog", 9.0, "good", t0, "plc", seq)
        for seq, name in enumerate(("coolant_temp", "vibration"))
    ]
    await machines.ingest(session, collector, uuid.uuid4(), samples, 0, clock)
    await session.commit()
    stored = (await session.execute(select(SignalValue.signal).order_by(SignalValue.signal))).scalars().all()
    assert stored == ["coolant_temp", "vibration"]
    [occurrence] = await pm.occurrences(plan)
    assert occurrence.episode_start == t0
