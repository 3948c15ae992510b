"""Production orders: the state machine, roles, dispatching to the line queue, sequencing."""

from __future__ import annotations

from tests.integration.production.conftest import Floor


async def test_an_order_runs_planned_released_running_paused_running_completed_closed(floor: Floor) -> None:
    order = await floor.order(release=False)
    seen = [(await floor.get(f"/api/production/orders/{order.id}")).json()["status"]]
    seen.append(
        (await floor.post(f"/api/production/orders/{order.id}/release", as_="planner")).json()["status"]
    )
    op_id = await floor.pf.first_operation_id(order)
    for action, body in (
        ("start", None),
        ("pause", {"reason": "MATERIAL"}),
        ("resume", None),
        ("complete", None),
    ):
        assert (await floor.post(f"/api/production/operations/{op_id}/{action}", body)).status_code == 200
        seen.append((await floor.get(f"/api/production/orders/{order.id}")).json()["status"])
    seen.append(
        (await floor.post(f"/api/production/orders/{order.id}/close", as_="planner")).json()["status"]
    )
    assert seen == ["planned", "released", "running", "paused", "running", "completed", "closed"]


async def test_an_illegal_transition_is_a_409_naming_current_and_wanted(floor: Floor) -> None:
    order = await floor.order(release=False)
    r = await floor.post(f"/api/production/orders/{order.id}/close", as_="planner")
    assert r.status_code == 409
    problem = r.json()
    assert (problem["current"], problem["wanted"]) == ("planned", "closed")
    assert problem["type"].endswith("/illegal-transition")


async def test_a_planned_order_cannot_start(floor: Floor) -> None:
    order = await floor.order(release=False)
    op_id = await floor.pf.first_operation_id(order)
    r = await floor.post(f"/api/production/operations/{op_id}/start")
    assert r.status_code == 409
    assert (r.json()["current"], r.json()["wanted"]) == ("planned", "running")


async def test_a_completed_order_cannot_be_cancelled(floor: Floor) -> None:
    order, op_id = await floor.running()
    await floor.post(f"/api/production/operations/{op_id}/complete")
    r = await floor.post(f"/api/production/orders/{order.id}/cancel", {"reason": "late"}, as_="planner")
    assert r.status_code == 409
    assert (r.json()["current"], r.json()["wanted"]) == ("completed", "cancelled")


async def test_a_running_operation_is_paused_before_its_order_is_cancelled(floor: Floor) -> None:
    order, op_id = await floor.running()
    r = await floor.post(f"/api/production/orders/{order.id}/cancel", {"reason": "late"}, as_="planner")
    assert r.status_code == 409
    await floor.post(f"/api/production/operations/{op_id}/pause", {"reason": "STOP"})
    r = await floor.post(f"/api/production/orders/{order.id}/cancel", {"reason": "late"}, as_="planner")
    assert r.json()["status"] == "cancelled"
    assert r.json()["operations"][0]["status"] == "cancelled"


async def test_cancelling_a_paused_order_keeps_what_was_made_as_a_lot(floor: Floor) -> None:
    order, op_id = await floor.running()
    await floor.post(f"/api/production/operations/{op_id}/counts", {"good": 4})
    await floor.post(f"/api/production/operations/{op_id}/pause", {"reason": "STOP"})
    done = await floor.post(f"/api/production/orders/{order.id}/cancel", {"reason": "late"}, as_="planner")
    lot = (await floor.get(f"/api/genealogy/lots/{done.json()['operations'][0]['lot_id']}")).json()
    assert (lot["status"], lot["quantity_on_hand"]) == ("available", 4.0)


async def test_operators_run_but_do_not_release_orders(floor: Floor) -> None:
    order = await floor.order(release=False)
    r = await floor.post(f"/api/production/orders/{order.id}/release")
    assert r.status_code == 403


async def test_an_order_needs_a_released_routing(floor: Floor) -> None:
    gadget = await floor.pf.product(floor.site, sku="GADGET")
    await floor.pf.routing(floor.site, gadget, release=False)
    body = {
        "product_id": str(gadget.id),
        "quantity": 5,
        "due_date": "2026-03-10",
        "line_id": str(floor.line.id),
    }
    r = await floor.post("/api/production/orders/", body, as_="planner")
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "routing_id", "reason": "the product has no released routing"}]


async def test_the_line_queue_holds_the_released_orders_of_that_line_only(floor: Floor) -> None:
    released = await floor.order()
    await floor.order(release=False)
    other_line = await floor.pf.line(floor.site)
    await floor.pf.order(floor.site, floor.pump, other_line)
    queue = (await floor.get(f"/api/production/lines/{floor.line.id}/queue")).json()
    assert [item["order_id"] for item in queue] == [str(released.id)]
    assert queue[0]["ready"] is True


async def test_a_later_operation_waits_for_the_earlier_one_and_takes_its_lot(floor: Floor) -> None:
    shaft = await floor.pf.product(floor.site, sku="SHAFT")
    await floor.pf.routing(floor.site, shaft, (10, "Turn", floor.line, 10.0), (20, "Grind", floor.line, 12.0))
    order = await floor.pf.order(floor.site, shaft, floor.line)
    ops = (await floor.get(f"/api/production/orders/{order.id}")).json()["operations"]
    early = await floor.post(f"/api/production/operations/{ops[1]['id']}/start")
    assert early.status_code == 409
    await floor.post(f"/api/production/operations/{ops[0]['id']}/start")
    await floor.post(f"/api/production/operations/{ops[0]['id']}/counts", {"good": 7})
    await floor.post(f"/api/production/operations/{ops[0]['id']}/complete")
    second = (await floor.post(f"/api/production/operations/{ops[1]['id']}/start")).json()
    backward = (await floor.get(f"/api/genealogy/lots/{second['lot_id']}/backward")).json()
    assert [
        (lot["number"], e["quantity"]) for lot, e in zip(backward["lots"], backward["edges"], strict=True)
    ] == [(f"{order.number}-10", 7.0)]


async def test_a_work_center_runs_one_operation_at_a_time(floor: Floor) -> None:
    await floor.running()
    other = await floor.order()
    r = await floor.post(f"/api/production/operations/{await floor.pf.first_operation_id(other)}/start")
    assert r.status_code == 409
    assert "pause or complete it first" in r.json()["detail"]


async def test_labor_records_who_ran_the_operation(floor: Floor) -> None:
    _order, op_id = await floor.running()
    await floor.post(f"/api/production/operations/{op_id}/labor", {"action": "join"}, as_="manager")
    await floor.post(f"/api/production/operations/{op_id}/complete")
    labor = (await floor.get(f"/api/production/operations/{op_id}/labor")).json()
    assert len(labor) == 2
    assert all(entry["ended_at"] is not None for entry in labor)
