"""The count ledger: manual entries, machine deltas, no double counting, idempotency."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.production import services
from backend.domain.production.models import CountEvent
from backend.domain.production.rules import CountingMode
from backend.lib.clock import FixedClock
from backend.lib.ids import uuid7
from tests.factories import Factory
from tests.integration.production.conftest import Floor


async def _machine_floor(floor: Floor, factory: Factory) -> tuple[Asset, str]:
    """The floor's line switched to machine counting, a machine on it and a running order."""
    r = await floor.client.put(
        f"/api/production/lines/{floor.line.id}/settings",
        json={"counting_mode": CountingMode.MACHINE.value},
        headers=floor.planner,
    )
    assert r.json() == {"line_id": str(floor.line.id), "counting_mode": "machine"}
    machine = await factory.asset(floor.site, level="machine", parent=floor.line)
    _order, op_id = await floor.running()
    return machine, op_id


async def test_scrap_needs_a_defect_code_of_the_product_family(floor: Floor) -> None:
    _order, op_id = await floor.running()
    missing = await floor.post(f"/api/production/operations/{op_id}/counts", {"scrap": 2})
    unknown = await floor.post(
        f"/api/production/operations/{op_id}/counts", {"scrap": 2, "defect_code": "NOPE"}
    )
    assert missing.status_code == unknown.status_code == 422
    assert missing.json()["errors"][0] == {"field": "defect_code", "reason": "scrap needs a defect code"}
    assert unknown.json()["errors"][0]["field"] == "defect_code"
    assert (await floor.get(f"/api/production/operations/{op_id}/counts")).json() == []


async def test_manual_counts_add_up_per_operation(floor: Floor) -> None:
    _order, op_id = await floor.running()
    await floor.post(f"/api/production/operations/{op_id}/counts", {"good": 5})
    r = await floor.post(
        f"/api/production/operations/{op_id}/counts", {"good": 3, "scrap": 1, "defect_code": "SCRATCH"}
    )
    assert (r.json()["good"], r.json()["scrap"]) == (8, 1)


async def test_a_repeated_manual_entry_with_the_same_key_counts_once(floor: Floor) -> None:
    _order, op_id = await floor.running()
    body = {"good": 5, "idempotency_key": "tablet-7:42"}
    first = await floor.post(f"/api/production/operations/{op_id}/counts", body)
    again = await floor.post(f"/api/production/operations/{op_id}/counts", body)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert again.json()["good"] == 5
    clash = await floor.post(f"/api/production/operations/{op_id}/counts", {**body, "good": 6})
    assert clash.status_code == 409


async def test_manual_counts_are_refused_on_a_machine_counted_line(floor: Floor, factory: Factory) -> None:
    _machine, op_id = await _machine_floor(floor, factory)
    r = await floor.post(f"/api/production/operations/{op_id}/counts", {"good": 5})
    assert r.status_code == 409
    assert r.json()["counting_mode"] == "machine"


async def test_a_machine_counted_line_accepts_a_reclassification_that_keeps_the_total(
    floor: Floor, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    machine, op_id = await _machine_floor(floor, factory)
    await services.record_machine_counts(session, floor.site.id, machine.id, 10, 0, clock.now(), "plc:1")
    await session.commit()
    r = await floor.post(
        f"/api/production/operations/{op_id}/counts",
        {"scrap": 2, "defect_code": "SCRATCH", "reclassify": True},
    )
    assert (r.json()["good"], r.json()["scrap"]) == (8, 2)
    too_many = await floor.post(
        f"/api/production/operations/{op_id}/counts",
        {"scrap": 9, "defect_code": "SCRATCH", "reclassify": True},
    )
    assert too_many.status_code == 422


async def test_machine_counts_go_to_the_operation_running_on_the_machines_line(
    floor: Floor, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    machine, op_id = await _machine_floor(floor, factory)
    out = await services.record_machine_counts(
        session, floor.site.id, machine.id, 7, 1, clock.now() + timedelta(seconds=5), "plc:7"
    )
    await session.commit()
    assert out.status == "recorded"
    assert out.event is not None and str(out.event.operation_id) == op_id
    op = (await floor.get(f"/api/production/operations/{op_id}")).json()
    assert (op["good"], op["scrap"]) == (7, 1)


async def test_a_machine_delta_delivered_twice_counts_once(
    floor: Floor, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    machine, op_id = await _machine_floor(floor, factory)
    outcomes = [
        await services.record_machine_counts(session, floor.site.id, machine.id, 4, 0, clock.now(), "plc:9")
        for _ in range(2)
    ]
    await session.commit()
    assert [o.status for o in outcomes] == ["recorded", "duplicate"]
    op = (await floor.get(f"/api/production/operations/{op_id}")).json()
    assert op["good"] == 4


async def test_machine_counts_for_a_manually_counted_line_are_ignored(
    floor: Floor, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    machine = await factory.asset(floor.site, level="machine", parent=floor.line)
    out = await services.record_machine_counts(session, floor.site.id, machine.id, 4, 0, clock.now(), "plc:3")
    assert (out.status, out.event) == ("ignored", None)
    assert await session.scalar(select(func.count()).select_from(CountEvent)) == 0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    deliveries=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 50), st.integers(0, 3)).filter(lambda t: t[1] + t[2] > 0),
        min_size=1,
        max_size=12,
    )
)
async def test_machine_counts_are_the_sum_over_distinct_keys_whatever_the_redeliveries(
    floor: Floor,
    factory: Factory,
    session: AsyncSession,
    clock: FixedClock,
    deliveries: list[tuple[int, int, int]],
) -> None:
    line = await floor.pf.line(floor.site, counting=CountingMode.MACHINE)
    run = uuid7().hex
    expected: dict[int, tuple[int, int]] = {}
    for key, good, scrap in deliveries:
        delta = expected.setdefault(key, (good, scrap))
        await services.record_machine_counts(
            session, floor.site.id, line.id, delta[0], delta[1], clock.now(), f"{run}:{key}"
        )
    await session.commit()
    totals = await session.execute(
        select(func.sum(CountEvent.good), func.sum(CountEvent.scrap)).where(
            CountEvent.line_id == line.id, CountEvent.idempotency_key.like(f"{run}:%")
        )
    )
    assert tuple(totals.one()) == (sum(g for g, _ in expected.values()), sum(s for _, s in expected.values()))
