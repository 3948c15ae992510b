"""Bad input: a problem-details 4xx naming the field, and nothing stored changes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.production.models import CountEvent, ProductionOrder
from tests.integration.production.conftest import Floor


async def _count(session: AsyncSession, model: type) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_unknown_field_in_an_order_is_refused_and_nothing_is_created(
    floor: Floor, session: AsyncSession
) -> None:
    body = {
        "product_id": str(floor.pump.id),
        "quantity": 5,
        "due_date": "2026-03-10",
        "line_id": str(floor.line.id),
        "priority": "high",
    }
    r = await floor.post("/api/production/orders/", body, as_="planner")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"] == [{"field": "priority", "reason": "unknown field (not accepted)"}]
    assert await _count(session, ProductionOrder) == 0


async def test_a_zero_quantity_order_names_the_field(floor: Floor) -> None:
    body = {
        "product_id": str(floor.pump.id),
        "quantity": 0,
        "due_date": "2026-03-10",
        "line_id": str(floor.line.id),
    }
    r = await floor.post("/api/production/orders/", body, as_="planner")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "quantity"


async def test_counts_without_a_timezone_are_refused(floor: Floor, session: AsyncSession) -> None:
    _order, op_id = await floor.running()
    r = await floor.post(
        f"/api/production/operations/{op_id}/counts", {"good": 1, "at": "2026-03-02T08:00:00"}
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "at"
    assert await _count(session, CountEvent) == 0


async def test_negative_counts_are_refused(floor: Floor, session: AsyncSession) -> None:
    _order, op_id = await floor.running()
    r = await floor.post(f"/api/production/operations/{op_id}/counts", {"good": -3})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "good"
    assert await _count(session, CountEvent) == 0


async def test_consuming_needs_exactly_one_of_lot_id_and_lot_number(floor: Floor) -> None:
    _order, op_id = await floor.running()
    body = {"lot_id": str(floor.housing_lot.id), "lot_number": "H-1"}
    r = await floor.post(f"/api/production/operations/{op_id}/consume", body)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "lot_id", "reason": "give either lot_id or lot_number"}]


async def test_a_released_routing_is_never_edited_in_place(floor: Floor) -> None:
    routing = (await floor.get(f"/api/production/routings/?product_id={floor.pump.id}")).json()[0]
    body = {"operations": [{"seq": 10, "name": "Assemble", "ideal_cycle_s": 5.0}]}
    r = await floor.client.put(
        f"/api/production/routings/{routing['id']}/operations", json=body, headers=floor.planner
    )
    assert r.status_code == 409
    assert "new version" in r.json()["detail"]
    again = (await floor.get(f"/api/production/routings/{routing['id']}")).json()
    assert again["operations"][0]["ideal_cycle_s"] == 20.0


async def test_an_inspection_plan_with_inverted_limits_names_the_field(floor: Floor) -> None:
    await floor.pf.defect_code(floor.site, "DIM")
    characteristic = {
        "name": "Bore",
        "kind": "numeric",
        "defect_code": "DIM",
        "lower_limit": 2,
        "upper_limit": 1,
    }
    body = {
        "product_id": str(floor.pump.id),
        "operation_seq": 10,
        "name": "P",
        "characteristics": [characteristic],
    }
    r = await floor.post("/api/quality/plans", body, as_="planner")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "characteristics[0].upper_limit"
