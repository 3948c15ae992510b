"""Moving work orders through their states: who may, what each step records, what is refused."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance.models import WorkOrder
from backend.lib.clock import FixedClock
from tests.integration.maintenance._api import Plant, create_wo, move


async def _status(session: AsyncSession, wo_id: str) -> str:
    session.expire_all()
    return str(await session.scalar(select(WorkOrder.status).where(WorkOrder.id == uuid.UUID(wo_id))))


async def test_the_whole_path_records_who_and_when(
    client: AsyncTestClient, plant: Plant, clock: FixedClock
) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    started = await move(client, wo["id"], "in_progress", plant["tech"])
    assert started["started_at"] == clock.now().isoformat().replace("+00:00", "Z")
    held = await move(client, wo["id"], "on_hold", plant["tech"], reason="waiting_for_parts")
    assert held["hold_reason"] == "waiting_for_parts"
    resumed = await move(client, wo["id"], "in_progress", plant["tech"])
    assert resumed["hold_reason"] is None
    done = await move(client, wo["id"], "done", plant["tech"])
    assert done["completed_by"] == str(plant.tech.id)
    verified = await move(client, wo["id"], "verified", plant["planner"])
    assert (verified["status"], verified["verified_by"]) == ("verified", str(plant.planner.id))


async def test_an_illegal_step_is_a_409_naming_both_states(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    wo = await create_wo(client, plant)
    r = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "done"}, headers=plant["planner"]
    )
    assert r.status_code == 409
    problem = r.json()
    assert (problem["current"], problem["wanted"]) == ("open", "done")
    assert problem["type"].endswith("/illegal-transition")
    assert await _status(session, wo["id"]) == "open"


async def test_a_cancelled_work_order_stays_cancelled(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant)
    await move(client, wo["id"], "cancelled", plant["planner"], reason="duplicate of WO-000007")
    for to in ("open", "in_progress", "done", "cancelled"):
        r = await client.post(
            f"/api/work-orders/{wo['id']}/transition", json={"to": to}, headers=plant["planner"]
        )
        assert r.status_code == 409, to
        assert r.json()["current"] == "cancelled"


async def test_a_hold_needs_a_known_reason(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    await move(client, wo["id"], "in_progress", plant["tech"])
    for body in ({"to": "on_hold"}, {"to": "on_hold", "reason": "bored"}):
        r = await client.post(f"/api/work-orders/{wo['id']}/transition", json=body, headers=plant["tech"])
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "reason"
    assert await _status(session, wo["id"]) == "in_progress"


async def test_a_technician_not_assigned_cannot_start_the_work(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    r = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "in_progress"}, headers=plant["tech2"]
    )
    assert r.status_code == 403


async def test_technicians_cannot_cancel_or_verify(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    r = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "cancelled"}, headers=plant["tech"]
    )
    assert r.status_code == 403
    await move(client, wo["id"], "in_progress", plant["tech"])
    await move(client, wo["id"], "done", plant["tech"])
    r = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "verified"}, headers=plant["tech"]
    )
    assert r.status_code == 403


async def test_assignment_edges_go_through_assign(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant)
    r = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "assigned"}, headers=plant["planner"]
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "to"


async def test_unassigning_everyone_reopens_assigned_work(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    r = await client.post(
        f"/api/work-orders/{wo['id']}/assign", json={"user_ids": []}, headers=plant["planner"]
    )
    assert (r.json()["status"], r.json()["assignee_ids"]) == ("open", [])


async def test_work_in_progress_keeps_an_assignee(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    await move(client, wo["id"], "in_progress", plant["tech"])
    r = await client.post(
        f"/api/work-orders/{wo['id']}/assign", json={"user_ids": []}, headers=plant["planner"]
    )
    assert r.status_code == 422
    swap = await client.post(
        f"/api/work-orders/{wo['id']}/assign",
        json={"user_ids": [str(plant.tech2.id)]},
        headers=plant["planner"],
    )
    assert (swap.json()["status"], swap.json()["assignee_ids"]) == ("in_progress", [str(plant.tech2.id)])


async def test_an_operator_raises_a_request_and_a_planner_approves_it(
    client: AsyncTestClient, plant: Plant
) -> None:
    r = await client.post(
        "/api/work-orders/requests",
        json={"asset_id": str(plant.machine.id), "title": "Oil on the floor", "priority": "high"},
        headers=plant["operator"],
    )
    assert r.status_code == 201
    request = r.json()
    assert (request["status"], request["requested_by"]) == ("requested", str(plant.operator.id))
    approved = await move(client, request["id"], "open", plant["planner"])
    assert (approved["status"], approved["approved_by"]) == ("open", str(plant.planner.id))


async def test_operators_cannot_approve_requests(client: AsyncTestClient, plant: Plant) -> None:
    r = await client.post(
        "/api/work-orders/requests",
        json={"asset_id": str(plant.machine.id), "title": "x"},
        headers=plant["operator"],
    )
    denied = await client.post(
        f"/api/work-orders/{r.json()['id']}/transition", json={"to": "open"}, headers=plant["operator"]
    )
    assert denied.status_code == 403


async def test_a_rejection_needs_a_reason_and_is_final(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    r = await client.post(
        "/api/work-orders/requests",
        json={"asset_id": str(plant.machine.id), "title": "x"},
        headers=plant["operator"],
    )
    wo_id = r.json()["id"]
    no_reason = await client.post(
        f"/api/work-orders/{wo_id}/transition", json={"to": "rejected"}, headers=plant["planner"]
    )
    assert no_reason.status_code == 422
    assert await _status(session, wo_id) == "requested"
    rejected = await move(
        client, wo_id, "rejected", plant["planner"], reason="Not a machine fault: spilled coolant"
    )
    assert rejected["rejection_reason"] == "Not a machine fault: spilled coolant"
    again = await client.post(
        f"/api/work-orders/{wo_id}/transition", json={"to": "open"}, headers=plant["planner"]
    )
    assert again.status_code == 409


async def test_a_request_cannot_be_assigned_before_approval(client: AsyncTestClient, plant: Plant) -> None:
    r = await client.post(
        "/api/work-orders/requests",
        json={"asset_id": str(plant.machine.id), "title": "x"},
        headers=plant["operator"],
    )
    assign = await client.post(
        f"/api/work-orders/{r.json()['id']}/assign",
        json={"user_ids": [str(plant.tech.id)]},
        headers=plant["planner"],
    )
    assert assign.status_code == 409
    assert (assign.json()["current"], assign.json()["wanted"]) == ("requested", "assigned")


async def test_a_transition_note_becomes_a_comment(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant, assignee_ids=[str(plant.tech.id)])
    await move(client, wo["id"], "in_progress", plant["tech"])
    await move(
        client, wo["id"], "on_hold", plant["tech"], reason="waiting_for_parts", note="Bearing 6205 on order"
    )
    comments = (await client.get(f"/api/work-orders/{wo['id']}/comments", headers=plant["tech"])).json()
    assert [c["body"] for c in comments] == ["Bearing 6205 on order"]


async def test_only_planners_assign_work(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant)
    for who in ("tech", "operator"):
        r = await client.post(
            f"/api/work-orders/{wo['id']}/assign", json={"user_ids": [str(plant.tech.id)]}, headers=plant[who]
        )
        assert r.status_code == 403, who
