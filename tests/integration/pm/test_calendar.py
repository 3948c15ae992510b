"""Calendar plans: work orders appear a lead time before the due date, and not before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.maintenance.rules import Status
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.maintenance import template
from tests.factories.pm import PmFactory
from tests.integration.pm.conftest import Cell

MAR_10 = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)


async def test_a_fixed_plan_fires_at_due_minus_lead_time_and_not_before(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10, lead_days=3)
    clock.set(MAR_10 - timedelta(days=3, seconds=1))
    await pm.generate()
    assert await pm.work_orders(plan) == []
    clock.set(MAR_10 - timedelta(days=3))
    await pm.generate()
    [wo] = await pm.work_orders(plan)
    assert (wo.type, wo.status, wo.due_at, wo.asset_id) == ("preventive", "open", MAR_10, cell.machine.id)


async def test_a_fixed_plan_keeps_its_dates_however_late_the_work_is_done(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10, lead_days=2)
    clock.set(MAR_10)
    await pm.generate()
    [first] = await pm.work_orders(plan)
    await pm.complete(first, MAR_10 + timedelta(days=20))
    clock.set(datetime(2026, 4, 8, 6, 0, tzinfo=UTC) - timedelta(seconds=1))
    await pm.generate()
    assert len(await pm.work_orders(plan)) == 1
    clock.set(datetime(2026, 4, 8, 6, 0, tzinfo=UTC))
    await pm.generate()
    assert [wo.due_at for wo in await pm.work_orders(plan)] == [MAR_10, datetime(2026, 4, 10, 6, tzinfo=UTC)]


async def test_a_floating_plan_is_due_one_interval_after_the_last_completion(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10, every=2, unit="week", schedule="floating", lead_days=1)
    clock.set(MAR_10 - timedelta(days=1))
    await pm.generate()
    [first] = await pm.work_orders(plan)
    done_at = MAR_10 + timedelta(days=4, hours=3)
    await pm.complete(first, done_at)
    next_due = done_at + timedelta(weeks=2)
    clock.set(next_due - timedelta(days=1, seconds=1))
    await pm.generate()
    assert len(await pm.work_orders(plan)) == 1
    clock.set(next_due - timedelta(days=1))
    await pm.generate()
    assert [wo.due_at for wo in await pm.work_orders(plan)] == [MAR_10, next_due]


async def test_a_floating_plan_waits_while_its_work_order_is_open(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10, every=1, unit="week", schedule="floating")
    clock.set(MAR_10)
    await pm.generate()
    clock.set(MAR_10 + timedelta(days=60))
    report = await pm.generate()
    assert (report.generated, report.skipped) == (0, 0)
    assert len(await pm.work_orders(plan)) == 1


async def test_monthly_plans_on_the_31st_fall_on_the_last_day_of_shorter_months(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    jan_31 = datetime(2028, 1, 31, 6, 0, tzinfo=UTC)
    clock.set(jan_31 - timedelta(days=1))
    plan = await pm.calendar(cell.machine, jan_31)
    dues = []
    for month_end in (jan_31, datetime(2028, 2, 29, 6, tzinfo=UTC), datetime(2028, 3, 31, 6, tzinfo=UTC)):
        clock.set(month_end)
        await pm.generate()
        wo = (await pm.work_orders(plan))[-1]
        dues.append(wo.due_at)
        await pm.complete(wo, month_end)
    assert dues == [jan_31, datetime(2028, 2, 29, 6, tzinfo=UTC), datetime(2028, 3, 31, 6, tzinfo=UTC)]


async def test_what_fell_due_before_the_plan_existed_is_not_generated(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, datetime(2025, 1, 10, 6, tzinfo=UTC))
    await pm.generate()
    assert await pm.work_orders(plan) == []
    clock.set(MAR_10)
    await pm.generate()
    assert [wo.due_at for wo in await pm.work_orders(plan)] == [MAR_10]


async def test_the_work_order_carries_the_plans_checklist(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock
) -> None:
    checklist = await template(factory, cell.site, asset_class="cnc-mill")
    plan = await pm.calendar(cell.machine, MAR_10, checklist_template_id=checklist.id, estimated_hours=1.5)
    clock.set(MAR_10)
    await pm.generate()
    [wo] = await pm.work_orders(plan)
    assert (wo.checklist_template_id, wo.estimated_hours, wo.title) == (checklist.id, 1.5, plan.name)


async def test_a_class_plan_covers_every_asset_of_the_class_in_its_subtree_only(
    pm: PmFactory, factory: Factory, cell: Cell, clock: FixedClock
) -> None:
    line = await factory.asset(cell.site, level="line")
    mills = [await factory.asset(cell.site, parent=line, asset_class="cnc-mill") for _ in range(2)]
    await factory.asset(cell.site, parent=line, asset_class="lathe")
    plan = await pm.calendar(None, MAR_10, asset_class="cnc-mill", under_asset_id=line.id)
    clock.set(MAR_10)
    await pm.generate()
    assert sorted(wo.asset_id for wo in await pm.work_orders(plan)) == sorted(m.id for m in mills)


async def test_a_paused_plan_generates_nothing_and_resuming_skips_what_fell_due_meanwhile(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10, every=1, unit="week")
    await pm.pause(plan)
    clock.set(MAR_10 + timedelta(days=1))
    await pm.generate()
    assert await pm.work_orders(plan) == []
    await pm.resume(plan)
    clock.set(MAR_10 + timedelta(days=7))
    await pm.generate()
    assert [wo.due_at for wo in await pm.work_orders(plan)] == [MAR_10 + timedelta(days=7)]


async def test_after_an_outage_only_the_newest_occurrence_gets_a_work_order(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10, every=1, unit="day")
    clock.set(MAR_10 + timedelta(days=2, hours=1))
    report = await pm.generate()
    assert (report.generated, report.skipped) == (1, 2)
    occurrences = await pm.occurrences(plan)
    assert [o.status for o in occurrences] == ["skipped", "skipped", "generated"]
    assert [o.due_at for o in occurrences] == [MAR_10 + timedelta(days=d) for d in range(3)]
    assert occurrences[0].reason is not None and "superseded" in occurrences[0].reason


async def test_a_site_in_another_time_zone_gets_its_dates_on_its_own_wall_clock(
    pm: PmFactory, factory: Factory, clock: FixedClock
) -> None:
    site = await factory.site(timezone="Europe/Berlin")
    machine = await factory.asset(site)
    six_cet = datetime(2026, 3, 28, 5, 0, tzinfo=UTC)  # 06:00 in Berlin, the day before summer time
    plan = await pm.calendar(machine, six_cet, every=1, unit="day")
    clock.set(datetime(2026, 3, 29, 4, 0, tzinfo=UTC))  # 06:00 in Berlin, summer time
    await pm.generate()
    assert [wo.due_at for wo in await pm.work_orders(plan)][-1] == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)


async def test_cancelling_a_floating_occurrence_restarts_the_interval_from_the_cancellation(
    pm: PmFactory, cell: Cell, clock: FixedClock
) -> None:
    plan = await pm.calendar(cell.machine, MAR_10, every=10, unit="day", schedule="floating")
    clock.set(MAR_10)
    await pm.generate()
    [first] = await pm.work_orders(plan)
    cancelled = await pm.cancel(first, MAR_10 + timedelta(days=1))
    assert cancelled.status == Status.CANCELLED
    clock.set(MAR_10 + timedelta(days=11))
    await pm.generate()
    assert [wo.due_at for wo in await pm.work_orders(plan)][-1] == MAR_10 + timedelta(days=11)
