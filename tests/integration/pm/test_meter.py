"""Meter plans: a work order when the usage reaches the next threshold, counting through resets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.machines import services as machines
from backend.domain.machines.models import Collector
from backend.domain.machines.services import SampleIn
from backend.domain.meters.models import Meter
from backend.lib.clock import FixedClock
from backend.lib.errors import ValidationFailed
from tests.factories import Factory
from tests.factories.machines import collector_token
from tests.factories.pm import PmFactory
from tests.integration.pm.conftest import Cell

H = timedelta(hours=1)


async def test_a_meter_plan_fires_when_the_reading_reaches_the_threshold_and_not_before(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    await pm.reading(cell.machine, 1000.0)
    plan = await pm.metered(cell.machine, interval=500.0, due_in_days=2)
    clock.advance(H)
    await pm.reading(cell.machine, 1499.9)
    await pm.generate()
    assert await pm.work_orders(plan) == []
    clock.advance(H)
    await pm.reading(cell.machine, 1500.0)
    await pm.generate()
    [wo] = await pm.work_orders(plan)
    assert (wo.type, wo.due_at) == ("preventive", clock.now() + timedelta(days=2))


async def test_the_next_threshold_is_one_interval_after_the_last(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    await pm.reading(cell.machine, 0.0)
    plan = await pm.metered(cell.machine, interval=100.0)
    for value in (100.0, 150.0, 199.0, 200.0):
        clock.advance(H)
        await pm.reading(cell.machine, value)
        await pm.generate()
        for wo in await pm.work_orders(plan):
            if wo.status == "open":
                await pm.complete(wo, clock.now())
    assert [o.meter_due for o in await pm.occurrences(plan)] == [100.0, 200.0]


async def test_a_meter_lead_fires_that_much_usage_ahead(pm: PmFactory, cell: Cell, clock: FixedClock) -> None:
    await pm.reading(cell.machine, 0.0)
    plan = await pm.metered(cell.machine, interval=500.0, meter_lead=50.0)
    clock.advance(H)
    await pm.reading(cell.machine, 449.0)
    await pm.generate()
    assert await pm.work_orders(plan) == []
    clock.advance(H)
    await pm.reading(cell.machine, 450.0)
    await pm.generate()
    assert [o.meter_due for o in await pm.occurrences(plan)] == [500.0]


async def test_usage_keeps_counting_through_a_meter_reset(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    await pm.reading(cell.machine, 900.0)
    plan = await pm.metered(cell.machine, interval=500.0)
    clock.advance(H)
    await pm.reading(cell.machine, 1200.0)  # 300 h used
    clock.advance(H)
    await pm.reading(cell.machine, 150.0, reset=True)  # replaced meter: 150 h since
    await pm.generate()
    assert await pm.work_orders(plan) == []
    clock.advance(H)
    await pm.reading(cell.machine, 200.0)  # 300 + 150 + 50 = 500 h used
    await pm.generate()
    assert [o.meter_due for o in await pm.occurrences(plan)] == [1400.0]


async def test_a_reading_below_the_last_needs_the_reset_flag(
    pm: PmFactory, cell: Cell, clock: FixedClock, session: AsyncSession
) -> None:
    machine_id = cell.machine.id
    await pm.reading(cell.machine, 900.0)
    clock.advance(H)
    with pytest.raises(ValidationFailed) as refused:
        await pm.reading(cell.machine, 890.0)
    assert refused.value.errors[0].field == "value"
    await session.rollback()
    meter = await session.scalar(select(Meter).where(Meter.asset_id == machine_id))
    assert meter is not None
    assert (meter.last_value, meter.total) == (900.0, 900.0)


async def test_the_collector_takes_a_drop_to_near_zero_as_a_reset_and_ignores_a_small_dip(
    pm: PmFactory, cell: Cell, clock: FixedClock, session: AsyncSession
) -> None:
    await pm.reading(cell.machine, 1000.0, source="collector")
    clock.advance(H)
    assert await pm.reading(cell.machine, 999.5, source="collector") is None
    clock.advance(H)
    reset = await pm.reading(cell.machine, 3.0, source="collector")
    assert reset is not None
    assert (reset.reset, reset.delta, reset.total) == (True, 3.0, 1003.0)


async def test_run_hours_from_the_collector_feed_meter_plans(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock, session: AsyncSession
) -> None:
    await collector_token(factory, cell.site)
    collector = (await session.execute(select(Collector))).scalars().one()
    plan = await pm.metered(cell.machine, interval=10.0, meter_start=0.0)
    t0 = clock.now()
    samples = [
        SampleIn(
            tag=f"{cell.machine.code}.run_hours",
            asset=cell.machine.code,
            role="run_hours",
            value=hours,
            quality="good",
            at=t0 + i * H,
            source="plc",
            seq=i + 1,
        )
        for i, hours in enumerate((4.0, 8.0, 12.0))
    ]
    await machines.ingest(session, collector, uuid.uuid4(), samples, 0, clock)
    await session.commit()
    await pm.generate()
    [occurrence] = await pm.occurrences(plan)
    assert (occurrence.meter_due, occurrence.triggered_at) == (10.0, t0 + 2 * H)


async def test_cycle_counts_from_the_collector_feed_the_cycles_meter(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock, session: AsyncSession
) -> None:
    await collector_token(factory, cell.site)
    collector = (await session.execute(select(Collector))).scalars().one()
    plan = await pm.metered(cell.machine, meter="cycles", interval=100.0, meter_start=0.0)
    t0 = clock.now()
    samples = [
        SampleIn(
            tag=f"{cell.machine.code}.cycles",
            asset=cell.machine.code,
            role="cycle_count",
            value=raw,
            quality="good",
            at=t0 + i * H,
            source="plc",
            seq=i + 1,
        )
        for i, raw in enumerate((1000, 1050, 1110))
    ]
    await machines.ingest(session, collector, uuid.uuid4(), samples, 0, clock)
    await session.commit()
    meter = await session.scalar(select(Meter).where(Meter.name == "cycles"))
    assert meter is not None
    assert meter.total == 110.0
    await pm.generate()
    assert [o.meter_due for o in await pm.occurrences(plan)] == [100.0]


async def test_meter_readings_before_the_first_one_are_refused_when_entered_by_hand(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    await pm.reading(cell.machine, 10.0)
    with pytest.raises(ValidationFailed) as refused:
        await pm.reading(cell.machine, 12.0, at=clock.now() - H)
    assert refused.value.errors[0].field == "at"


async def test_a_reading_in_the_future_is_refused(pm: PmFactory, cell: Cell, clock: FixedClock) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await pm.reading(cell.machine, 10.0, at=clock.now() + timedelta(hours=2))
    assert refused.value.errors[0].field == "at"


async def test_the_meter_counts_from_the_plan_start_when_no_start_is_given(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    await pm.reading(cell.machine, 1234.0)
    plan = await pm.metered(cell.machine, interval=500.0)
    clock.advance(H)
    await pm.reading(cell.machine, 1733.0)
    await pm.generate()
    assert await pm.occurrences(plan) == []
    clock.advance(H)
    await pm.reading(cell.machine, 1734.0)
    await pm.generate()
    assert [o.meter_due for o in await pm.occurrences(plan)] == [1734.0]


async def test_readings_of_a_first_meter_start_its_history(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    first = await pm.reading(cell.machine, 50.0, at=datetime(2026, 3, 1, tzinfo=UTC))
    assert first is not None
    assert (first.delta, first.total, first.reset) == (50.0, 50.0, False)
