"""For OEE: which order ran on a line or machine at a time, with its ideal cycle time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.production import services
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.integration.production.conftest import Floor


async def test_the_running_order_of_a_machine_comes_from_its_lines_operation(
    floor: Floor, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    machine = await factory.asset(floor.site, level="machine", parent=floor.line)
    before = clock.now()
    clock.advance(timedelta(minutes=1))
    order, op_id = await floor.running()
    clock.advance(timedelta(minutes=10))
    await floor.post(f"/api/production/operations/{op_id}/pause", {"reason": "JAM"})
    clock.advance(timedelta(minutes=5))
    await floor.post(f"/api/production/operations/{op_id}/resume")
    start = before + timedelta(minutes=1)
    running = await services.running_order_at(session, machine.id, start + timedelta(minutes=3))
    paused = await services.running_order_at(session, floor.line.id, start + timedelta(minutes=12))
    assert running is not None and paused is not None
    assert (running.order_number, running.ideal_cycle_s, running.paused) == (order.number, 20.0, False)
    assert paused.paused is True
    assert await services.running_order_at(session, machine.id, before) is None
    assert await services.ideal_cycle_at(session, machine.id, start + timedelta(minutes=20)) == 20.0


async def test_runs_between_lists_each_run_with_its_pauses(
    floor: Floor, session: AsyncSession, clock: FixedClock
) -> None:
    start = clock.now()
    _order, op_id = await floor.running()
    clock.advance(timedelta(minutes=30))
    await floor.post(f"/api/production/operations/{op_id}/complete")
    clock.advance(timedelta(minutes=5))
    second, _op = await floor.running()
    runs = await services.runs_between(session, floor.line.id, start, start + timedelta(hours=1))
    assert [(r.started_at - start, r.ended_at and r.ended_at - start) for r in runs] == [
        (timedelta(0), timedelta(minutes=30)),
        (timedelta(minutes=35), None),
    ]
    assert runs[1].order_number == second.number


async def test_ledger_counts_of_a_manual_line_are_its_entries_in_the_window(
    floor: Floor, session: AsyncSession, clock: FixedClock
) -> None:
    _order, op_id = await floor.running()
    await floor.post(
        f"/api/production/operations/{op_id}/counts", {"good": 6, "scrap": 1, "defect_code": "SCRATCH"}
    )
    window = (clock.now() - timedelta(minutes=1), clock.now() + timedelta(minutes=1))
    assert await services.ledger_counts(session, floor.line.id, *window) == (6, 1)
    later = (clock.now() + timedelta(hours=1), clock.now() + timedelta(hours=2))
    assert await services.ledger_counts(session, floor.line.id, *later) == (0, 0)
