"""Offline mutators call the same services as the API with the device's actor; merged fields
surface concurrent edits as conflict records that sync to the people involved."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from backend.domain.downtime.models import DowntimeEvent, DowntimeReason
from backend.domain.inventory.models import StockBalance, StockDiscrepancy, StockMovement
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.models import WorkOrder, WorkOrderLabor
from backend.domain.maintenance.rules import Status
from backend.lib.clock import FixedClock
from tests.factories import maintenance as mf
from tests.integration.replication._device import Device
from tests.integration.replication.conftest import Plant


def status_args(device: Device, wo_id: Any, **extra: Any) -> dict[str, Any]:
    return {"id": str(wo_id), "base_version": device.version("workorder", wo_id), **extra}


async def work_order(plant: Plant) -> WorkOrder:
    stmt = select(WorkOrder).where(WorkOrder.id == plant.wo.id).execution_options(populate_existing=True)
    return (await plant.factory.session.execute(stmt)).scalar_one()


async def items(device: Device) -> dict[str, dict[str, Any]]:
    return {row["label"]: row for row in device.rows("workorder_checklist_item").values()}


async def answer(device: Device, plant: Plant, item: dict[str, Any], value: Any) -> Any:
    return await device.mutate(
        "workorder.checklist_answer",
        {
            "work_order_id": str(plant.wo.id),
            "item_id": str(item["id"]),
            "value": value,
            "base_version": device.version("workorder_checklist_item", item["id"]),
        },
    )


async def fill_required(device: Device, plant: Plant) -> None:
    found = await items(device)
    await answer(device, plant, found["Lock out and tag out"], True)
    await answer(device, plant, found["Guards intact"], "pass")
    await answer(device, plant, found["Spindle runout"], 0.01)


async def test_a_technician_works_a_job_offline_with_the_devices_times(
    plant: Plant, clock: FixedClock
) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    started = clock.now() - timedelta(hours=2)
    assert (
        await tech.mutate("workorder.start", status_args(tech, plant.wo.id, at=started.isoformat()))
    ).status == "applied"
    await tech.sync()
    await fill_required(tech, plant)
    await tech.sync()
    done = clock.now() - timedelta(minutes=30)
    result = await tech.mutate("workorder.complete", status_args(tech, plant.wo.id, at=done.isoformat()))
    assert result.status == "applied", result
    wo = await work_order(plant)
    assert (wo.status, wo.started_at, wo.completed_at) == ("done", started, done)


async def test_a_device_time_in_the_future_is_taken_as_now(plant: Plant, clock: FixedClock) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    future = clock.now() + timedelta(days=2)
    await tech.mutate("workorder.start", status_args(tech, plant.wo.id, at=future.isoformat()))
    assert (await work_order(plant)).started_at == clock.now()


async def test_hold_and_resume_walk_the_state_machine(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    await tech.mutate("workorder.start", status_args(tech, plant.wo.id))
    await tech.sync()
    hold = await tech.mutate("workorder.hold", status_args(tech, plant.wo.id, reason="waiting_for_parts"))
    assert hold.status == "applied"
    await tech.sync()
    assert tech.rows("workorder")[str(plant.wo.id)]["hold_reason"] == "waiting_for_parts"
    assert (await tech.mutate("workorder.resume", status_args(tech, plant.wo.id))).status == "applied"
    assert (await work_order(plant)).status == "in_progress"


async def test_resuming_what_someone_else_held_meanwhile_is_a_conflict_for_people(plant: Plant) -> None:
    tech, tech2, lead, operator = [
        await plant.device(u) for u in (plant.tech, plant.tech2, plant.planner, plant.operator)
    ]
    await tech.mutate("workorder.start", {"id": str(plant.wo.id), "base_version": plant.wo.version})
    for device in (tech, tech2, lead, operator):
        await device.sync()
    await tech2.mutate("workorder.hold", status_args(tech2, plant.wo.id, reason="safety"))
    await tech.mutate("workorder.hold", status_args(tech, plant.wo.id, reason="other"))
    await tech.sync()
    result = await tech.mutate("workorder.resume", status_args(tech, plant.wo.id))
    assert (result.status, result.code) == ("applied", None)
    offline = status_args(tech2, plant.wo.id, reason="safety")
    result = await tech2.mutate("workorder.hold", offline)
    assert (result.status, result.code) == ("applied", "conflict"), result
    assert (await work_order(plant)).status == "in_progress"
    for device in (tech, tech2, lead, operator):
        await device.sync()
    (conflict,) = tech2.rows("conflict").values()
    assert conflict["entity"] == "workorder" and conflict["field"] == "status"
    assert (conflict["server_value"], conflict["client_value"], conflict["policy"]) == (
        "in_progress",
        "on_hold",
        "rule",
    )
    assert tech.rows("conflict") == tech2.rows("conflict") == lead.rows("conflict")
    assert operator.rows("conflict") == {}
    resolved = await lead.mutate(
        "conflict.resolve", {"conflict_id": conflict["id"], "choice": "client", "value": None}
    )
    assert resolved.status == "applied", resolved
    assert (await work_order(plant)).status == "on_hold"
    await tech2.sync()
    (closed,) = tech2.rows("conflict").values()
    assert closed["status"] == "resolved" and closed["resolution"]["choice"] == "client"


async def test_a_server_further_along_is_kept_without_a_conflict(plant: Plant) -> None:
    tech, tech2 = await plant.device(plant.tech), await plant.device(plant.tech2)
    await tech2.sync()
    await tech.sync()
    await tech.mutate("workorder.start", status_args(tech, plant.wo.id))
    await tech.sync()
    await tech.mutate("workorder.hold", status_args(tech, plant.wo.id, reason="other"))
    result = await tech2.mutate("workorder.start", status_args(tech2, plant.wo.id))
    assert (result.status, result.code) == ("applied", "conflict")
    await fill_required(tech, plant)
    await tech.sync()
    await tech.mutate("workorder.resume", status_args(tech, plant.wo.id))
    await tech.sync()
    await tech.mutate("workorder.complete", status_args(tech, plant.wo.id))
    stale = await tech2.mutate("workorder.start", {"id": str(plant.wo.id), "base_version": 1})
    assert (stale.status, stale.code) == ("applied", "superseded")
    assert (await work_order(plant)).status == "done"


async def test_a_terminal_work_order_is_never_reopened_by_a_late_edit(
    plant: Plant, clock: FixedClock
) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    await maintenance.transition(
        plant.factory.session,
        mf.site_admin(plant.north.id),
        plant.wo.id,
        "cancelled",
        clock,
        "no longer needed",
    )
    await plant.factory.commit()
    result = await tech.mutate("workorder.start", status_args(tech, plant.wo.id))
    assert (result.status, result.code) == ("applied", "conflict")
    assert (await work_order(plant)).status == Status.CANCELLED
    await tech.sync()
    assert tech.rows("workorder") == {}
    (conflict,) = tech.rows("conflict").values()
    assert conflict["server_value"] == "cancelled"


async def test_two_measurements_of_one_check_are_both_kept_for_review(plant: Plant) -> None:
    tech, tech2 = await plant.device(plant.tech), await plant.device(plant.tech2)
    await tech.sync()
    await tech2.sync()
    runout_1 = (await items(tech))["Spindle runout"]
    runout_2 = (await items(tech2))["Spindle runout"]
    assert (await answer(tech, plant, runout_1, 0.012)).code is None
    again = await answer(tech, plant, runout_1, 0.015)
    assert (again.status, again.code) == ("applied", None), "a device never conflicts with itself"
    same = await answer(tech2, plant, runout_2, 0.015)
    assert (same.status, same.code) == ("applied", None), "an equal value is no conflict"
    lost = await answer(tech2, plant, runout_2, 0.03)
    assert (lost.status, lost.code) == ("applied", "conflict")
    await tech2.sync()
    item = tech2.rows("workorder_checklist_item")[str(runout_2["id"])]
    assert (item["value"], item["out_of_limits"]) == (0.015, False)
    (conflict,) = tech2.rows("conflict").values()
    assert (conflict["server_value"], conflict["client_value"], conflict["policy"]) == (
        0.015,
        0.03,
        "surface",
    )
    fixed = await tech2.mutate(
        "conflict.resolve", {"conflict_id": conflict["id"], "choice": "value", "value": 0.03}
    )
    assert fixed.status == "applied"
    await tech.sync()
    item = tech.rows("workorder_checklist_item")[str(runout_1["id"])]
    assert (item["value"], item["out_of_limits"]) == (0.03, True)


async def test_a_resolution_based_on_a_stale_value_becomes_a_new_conflict(plant: Plant) -> None:
    tech, tech2 = await plant.device(plant.tech), await plant.device(plant.tech2)
    await tech.sync()
    await tech2.sync()
    runout = (await items(tech))["Spindle runout"]
    await answer(tech, plant, runout, 0.01)
    await answer(tech2, plant, (await items(tech2))["Spindle runout"], 0.02)
    await tech2.sync()
    (conflict,) = tech2.rows("conflict").values()
    await tech.sync()
    await answer(tech, plant, (await items(tech))["Spindle runout"], 0.011)
    result = await tech2.mutate("conflict.resolve", {"conflict_id": conflict["id"], "choice": "client"})
    assert (result.status, result.code) == ("applied", "conflict")
    await tech2.sync()
    assert sorted(c["status"] for c in tech2.rows("conflict").values()) == ["open", "resolved"]


async def test_comments_are_appended_with_the_devices_ids(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    comment_id = str(uuid.uuid4())
    args = {"id": comment_id, "work_order_id": str(plant.wo.id), "body": "bearing noisy"}
    assert (await tech.mutate("workorder.comment", args)).status == "applied"
    reused = await tech.mutate("workorder.comment", {**args, "body": "again"})
    assert (reused.status, reused.code) == ("rejected", "refused")
    await tech.sync()
    assert tech.rows("workorder_comment")[comment_id]["body"] == "bearing noisy"


async def test_labor_and_timers_keep_the_devices_times(plant: Plant, clock: FixedClock) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    await tech.mutate("workorder.start", status_args(tech, plant.wo.id))
    entry = str(uuid.uuid4())
    start = clock.now() - timedelta(hours=3)
    stop = start + timedelta(minutes=95)
    started = await tech.mutate(
        "workorder.timer_start", {"id": entry, "work_order_id": str(plant.wo.id), "at": start.isoformat()}
    )
    assert started.status == "applied", started
    stopped = await tech.mutate(
        "workorder.timer_stop", {"work_order_id": str(plant.wo.id), "at": stop.isoformat()}
    )
    assert stopped.status == "applied", stopped
    manual = str(uuid.uuid4())
    added = await tech.mutate(
        "workorder.labor_add",
        {
            "id": manual,
            "work_order_id": str(plant.wo.id),
            "started_at": (clock.now() - timedelta(hours=1)).isoformat(),
            "ended_at": (clock.now() - timedelta(minutes=30)).isoformat(),
        },
    )
    assert added.status == "applied", added
    await tech.sync()
    labor = tech.rows("workorder_labor")
    assert (labor[entry]["minutes"], labor[manual]["minutes"]) == (95, 30)
    timer = await plant.factory.session.get(WorkOrderLabor, uuid.UUID(entry))
    assert timer is not None and timer.source == "timer"


async def test_failure_codes_merge_per_slot(plant: Plant) -> None:
    tech, tech2 = await plant.device(plant.tech), await plant.device(plant.tech2)
    await tech.sync()
    await tech2.sync()
    codes = plant.codes
    first = {**status_args(tech, plant.wo.id), "problem_code_id": str(codes["problem"].id)}
    assert (await tech.mutate("workorder.failure_codes", first)).code is None
    other = {
        **status_args(tech2, plant.wo.id),
        "problem_code_id": str(codes["problem2"].id),
        "cause_code_id": str(codes["cause"].id),
    }
    result = await tech2.mutate("workorder.failure_codes", other)
    assert (result.status, result.code) == ("applied", "conflict")
    wo = await work_order(plant)
    assert (wo.problem_code_id, wo.cause_code_id) == (codes["problem"].id, codes["cause"].id)


async def test_a_problem_reported_from_the_asset_page_becomes_a_request(plant: Plant) -> None:
    operator = await plant.device(plant.operator)
    request_id = str(uuid.uuid4())
    args = {"id": request_id, "asset_id": str(plant.machine.id), "title": "Oil leak", "priority": "high"}
    assert (await operator.mutate("workorder.request", args)).status == "applied"
    await operator.sync()
    row = operator.rows("workorder")[request_id]
    assert (row["status"], row["priority"], row["title"]) == ("requested", "high", "Oil leak")


async def test_parts_used_offline_are_deltas_kept_even_past_zero(plant: Plant) -> None:
    tech, tech2 = await plant.device(plant.tech), await plant.device(plant.tech2)
    await tech.mutate("workorder.start", {"id": str(plant.wo.id), "base_version": plant.wo.version})
    take = {
        "work_order_id": str(plant.wo.id),
        "part_id": str(plant.part.id),
        "bin_id": str(plant.bin.id),
        "quantity": 2,
    }
    assert (await tech.mutate("stock.issue", take)).code is None
    tech2.queue("stock.issue", take)
    batch = tech2.outbox.batch(1)
    _, answer = await tech2.push()
    tech2.outbox.pending.update({m.id: m for m in batch})
    await tech2.push()
    result = answer.results[0]  # type: ignore[union-attr]
    assert (result.status, result.code) == ("applied", "overdraft")
    back = await tech.mutate("stock.return", {**take, "quantity": 1})
    assert back.status == "applied"
    session = plant.factory.session
    on_hand = await session.scalar(
        select(StockBalance.on_hand).where(
            StockBalance.part_id == plant.part.id, StockBalance.bin_id == plant.bin.id
        )
    )
    assert on_hand == 3 - 2 - 2 + 1
    keys = (
        await session.execute(select(StockMovement.device_id).where(StockMovement.offline.is_(True)))
    ).all()
    assert len(keys) == 3
    assert await session.scalar(select(StockDiscrepancy.shortfall)) == 1
    await tech.sync()
    assert tech.rows("stock_balance")[f"{plant.part.id}:{plant.bin.id}"]["on_hand"] == 0


async def test_two_operators_naming_different_reasons_for_a_stop_are_surfaced(
    plant: Plant, clock: FixedClock
) -> None:
    session = plant.factory.session
    for code in ("jam", "no_material"):
        session.add(DowntimeReason(site_id=plant.north.id, code=code, label=code, category="machine"))
    event = DowntimeEvent(
        site_id=plant.north.id, asset_id=plant.machine.id, started_at=clock.now(), version=1
    )
    session.add(event)
    await plant.factory.commit()
    one, two = await plant.device(plant.operator), await plant.device(plant.tech)
    await one.sync()
    await two.sync()
    base = one.version("downtime_event", event.id)
    first = await one.mutate(
        "downtime.classify", {"event_id": str(event.id), "reason_code": "jam", "base_version": base}
    )
    assert first.status == "applied", first
    second = await two.mutate(
        "downtime.classify", {"event_id": str(event.id), "reason_code": "no_material", "base_version": base}
    )
    assert (second.status, second.code) == ("applied", "conflict")
    await one.sync()
    assert one.rows("downtime_event")[str(event.id)]["reason_code"] == "jam"


async def test_a_device_cannot_write_outside_its_sites(plant: Plant) -> None:
    south = await plant.device(plant.south_tech)
    args = {"id": str(uuid.uuid4()), "work_order_id": str(plant.wo.id), "body": "not mine"}
    result = await south.mutate("workorder.comment", args)
    assert (result.status, result.code) == ("rejected", "not_found")
