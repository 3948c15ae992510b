"""An operator runs an operation offline from the line's tablet: the production and quality
mutators call the same services as the API, counts are deltas that count once, and the server's
refusals (a quality gate, a machine-counted line) come back as rejections with its reason."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from backend.domain.production.models import CountEvent, OrderOperation, ProductionOrder
from backend.domain.production.rules import CountingMode
from backend.domain.quality.models import QualityCheck
from backend.lib.clock import FixedClock
from backend.lib.ids import uuid7
from sync.messages import PushRequest, PushResponse
from tests.factories.production import ProductionFactory, pass_fail
from tests.integration.replication._device import PROTOCOL, SCHEMA, Device
from tests.integration.replication.conftest import Plant


async def _operation(plant: Plant, clock: FixedClock, counting: CountingMode = CountingMode.MANUAL) -> str:
    pf = ProductionFactory(plant.factory, clock)
    product = await pf.product(plant.north)
    line = await pf.line(plant.north, counting=counting)
    await pf.routing(plant.north, product, (10, "Assemble", None, 20.0))
    await pf.defect_code(plant.north, "SCRATCH")
    await pf.defect_code(plant.north, "VIS")
    plan = await pf.plan(plant.north, product, pass_fail("Visual", hold_on_fail=False))
    assert plan is not None
    order = await pf.order(plant.north, product, line, quantity=10)
    return await pf.first_operation_id(order)


async def _characteristic(plant: Plant) -> str:
    from backend.domain.quality.models import Characteristic

    found = await plant.factory.session.scalar(
        select(Characteristic.id).where(Characteristic.name == "Visual")
    )
    return str(found)


async def _op(plant: Plant, op_id: str) -> OrderOperation:
    stmt = (
        select(OrderOperation)
        .where(OrderOperation.id == uuid.UUID(op_id))
        .execution_options(populate_existing=True)
    )
    return (await plant.factory.session.execute(stmt)).scalar_one()


async def _ledger(plant: Plant, op_id: str) -> list[CountEvent]:
    stmt = (
        select(CountEvent)
        .where(CountEvent.operation_id == uuid.UUID(op_id))
        .execution_options(populate_existing=True)
    )
    return list((await plant.factory.session.execute(stmt)).scalars())


async def _resend(device: Device, batch: list[Any]) -> PushResponse:
    body = PushRequest(
        protocol_version=PROTOCOL, schema_version=SCHEMA, client_id=device.client_id, mutations=batch
    )
    status, answer = await device.post("/api/sync/push", body)
    assert status == 200 and isinstance(answer, PushResponse), answer
    return answer


async def test_an_operator_runs_an_operation_offline_through_its_quality_gate(
    plant: Plant, clock: FixedClock
) -> None:
    op_id = await _operation(plant, clock)
    visual = await _characteristic(plant)
    tablet = await plant.device(plant.operator)
    op = {"operation_id": op_id}

    assert (await tablet.mutate("production.operation_start", op)).status == "applied"
    counted = tablet.queue("production.counts", {**op, "good": 7, "scrap": 1, "defect_code": "SCRATCH"})
    sent = tablet.outbox.batch(100)
    _status, first = await tablet.push()
    assert [(r.id, r.status) for r in first.results] == [(counted, "applied")]  # type: ignore[union-attr]
    again = await _resend(tablet, sent)
    assert [(r.status, r.original) for r in again.results] == [("duplicate", "applied")]
    ledger = await _ledger(plant, op_id)
    assert [(e.good, e.scrap, e.defect_code) for e in ledger] == [(7, 1, "SCRATCH")]
    assert ledger[0].idempotency_key == f"sync:{tablet.client_id}:{counted}"

    failed = {"id": str(uuid7()), **op, "characteristic_id": visual, "passed": False}
    assert (await tablet.mutate("quality.check", failed)).code == "check_failed"
    clock.advance(timedelta(minutes=5))
    blocked = tablet.queue("production.operation_complete", op)
    passed_id = str(uuid7())
    behind = tablet.queue(
        "quality.check", {"id": passed_id, **op, "characteristic_id": visual, "passed": True}
    )
    _status, answer = await tablet.push()
    results = {r.id: r for r in answer.results}  # type: ignore[union-attr]
    assert (results[blocked].status, results[blocked].code) == ("rejected", "refused")
    assert "quality gate is not passed" in (results[blocked].reason or "")
    assert "Visual" in (results[blocked].reason or "")
    assert results[behind].status == "applied"
    assert (await _op(plant, op_id)).status == "running"
    assert await plant.factory.session.get(QualityCheck, uuid.UUID(passed_id)) is not None

    assert (await tablet.mutate("production.operation_complete", op)).status == "applied"
    done = await _op(plant, op_id)
    order = await plant.factory.session.get(ProductionOrder, done.order_id, populate_existing=True)
    assert (done.status, order and order.status) == ("completed", "completed")
    await tablet.sync()
    assert tablet.rows("production_order")[str(done.order_id)]["status"] == "completed"
    replicated = tablet.rows("order_operation")[op_id]
    assert (replicated["status"], replicated["good"], replicated["scrap"]) == ("completed", 7, 1)


async def test_a_count_reaches_other_devices_as_its_operations_totals(
    plant: Plant, clock: FixedClock
) -> None:
    op_id = await _operation(plant, clock)
    tablet, other = await plant.device(plant.operator), await plant.device(plant.tech)
    await other.sync()
    assert (await tablet.mutate("production.operation_start", {"operation_id": op_id})).status == "applied"
    await other.sync()
    assert other.rows("order_operation")[op_id]["status"] == "running"
    await tablet.mutate("production.counts", {"operation_id": op_id, "good": 4})
    await tablet.mutate(
        "production.counts", {"operation_id": op_id, "good": 2, "scrap": 1, "defect_code": "SCRATCH"}
    )
    await other.sync()
    assert (other.rows("order_operation")[op_id]["good"], other.rows("order_operation")[op_id]["scrap"]) == (
        6,
        1,
    )


async def test_pause_and_resume_keep_the_operators_reason(plant: Plant, clock: FixedClock) -> None:
    op_id = await _operation(plant, clock)
    tablet = await plant.device(plant.operator)
    op = {"operation_id": op_id}
    assert (await tablet.mutate("production.operation_start", op)).status == "applied"
    assert (await tablet.mutate("production.operation_pause", {**op, "reason": "LUNCH"})).status == "applied"
    assert (await _op(plant, op_id)).status == "paused"
    assert (await tablet.mutate("production.operation_resume", op)).status == "applied"
    assert (await _op(plant, op_id)).status == "running"


async def test_counts_are_refused_on_a_machine_counted_line_with_the_reason(
    plant: Plant, clock: FixedClock
) -> None:
    op_id = await _operation(plant, clock, CountingMode.MACHINE)
    tablet = await plant.device(plant.operator)
    assert (await tablet.mutate("production.operation_start", {"operation_id": op_id})).status == "applied"
    result = await tablet.mutate("production.counts", {"operation_id": op_id, "good": 5})
    assert (result.status, result.code) == ("rejected", "refused")
    assert "machine-counted" in (result.reason or "")
    assert await _ledger(plant, op_id) == []


async def test_scrap_without_a_defect_code_is_rejected(plant: Plant, clock: FixedClock) -> None:
    op_id = await _operation(plant, clock)
    tablet = await plant.device(plant.operator)
    await tablet.mutate("production.operation_start", {"operation_id": op_id})
    result = await tablet.mutate("production.counts", {"operation_id": op_id, "scrap": 2})
    assert (result.status, result.code) == ("rejected", "invalid")


async def test_a_device_cannot_run_another_sites_operation(plant: Plant, clock: FixedClock) -> None:
    op_id = await _operation(plant, clock)
    south = await plant.device(plant.south_tech)
    result = await south.mutate("production.operation_start", {"operation_id": op_id})
    assert result.status == "rejected"
