"""The on-call rota: who answers a new ticket at a given time, for a site or one of its areas, and
new unassigned breakdowns going to that person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.rules import Priority, WorkOrderType
from backend.domain.maintenance.schemas import WorkOrderCreate, WorkRequestCreate
from backend.domain.oncall.services import who_is_on_call
from backend.domain.push.delivery import send_due
from backend.domain.push.models import PushOutbox
from backend.lib.clock import FixedClock
from tests.factories import Factory, admin_actor
from tests.factories import push as push_factory
from tests.integration.push.conftest import Floor
from tests.support.push_service import LocalPushService

MONDAY = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def test_the_entry_covering_the_time_answers(
    session: AsyncSession, factory: Factory, floor: Floor
) -> None:
    others = [await factory.user(floor.site) for _ in range(2)]
    people = [floor.technician, *others]
    for n, person in enumerate(people):
        await push_factory.on_call(
            factory, floor.site, person, starts_at=MONDAY + n * DAY, ends_at=MONDAY + (n + 1) * DAY
        )
    assert (
        await who_is_on_call(session, floor.site.id, None, MONDAY + DAY + timedelta(hours=6)) == others[0].id
    )
    assert await who_is_on_call(session, floor.site.id, None, MONDAY + DAY) == others[0].id
    assert await who_is_on_call(session, floor.site.id, None, MONDAY - timedelta(seconds=1)) is None


async def test_an_areas_own_entry_wins_over_the_site_wide_one(
    session: AsyncSession, factory: Factory, floor: Floor
) -> None:
    site_wide = await factory.user(floor.site)
    week = MONDAY + 7 * DAY
    await push_factory.on_call(factory, floor.site, site_wide, starts_at=MONDAY, ends_at=week)
    await push_factory.on_call(
        factory, floor.site, floor.technician, starts_at=MONDAY, ends_at=week, area=floor.area
    )
    other_area = await factory.asset(floor.site, level="area")
    assert await who_is_on_call(session, floor.site.id, floor.area.id, MONDAY + DAY) == floor.technician.id
    assert await who_is_on_call(session, floor.site.id, other_area.id, MONDAY + DAY) == site_wide.id
    assert await who_is_on_call(session, floor.site.id, None, MONDAY + DAY) == site_wide.id


async def test_an_inactive_persons_entry_is_passed_over(
    session: AsyncSession, factory: Factory, floor: Floor
) -> None:
    site_wide = await factory.user(floor.site)
    week = MONDAY + 7 * DAY
    await push_factory.on_call(factory, floor.site, site_wide, starts_at=MONDAY, ends_at=week)
    await push_factory.on_call(
        factory, floor.site, floor.technician, starts_at=MONDAY, ends_at=week, area=floor.area
    )
    floor.technician.active = False
    await factory.commit()
    assert await who_is_on_call(session, floor.site.id, floor.area.id, MONDAY + DAY) == site_wide.id


async def test_a_planner_adds_an_entry_and_everyone_on_the_site_sees_who_is_on_call(
    client: AsyncTestClient, factory: Factory, floor: Floor
) -> None:
    planner = await factory.user(floor.site, role="planner")
    body = {
        "site_id": str(floor.site.id),
        "user_id": str(floor.technician.id),
        "starts_at": "2026-03-02T06:00:00Z",
        "ends_at": "2026-03-02T18:00:00Z",
    }
    r = await client.post("/api/oncall/", json=body, headers=await factory.headers(planner))
    assert r.status_code == 201, r.text
    now = await client.get(f"/api/oncall/now?site_id={floor.site.id}", headers=floor.headers)
    assert now.json()["user_id"] == str(floor.technician.id)
    assert now.json()["shift"]["id"] == r.json()["id"]


async def test_overlapping_entries_for_the_same_site_and_area_are_refused(
    client: AsyncTestClient, factory: Factory, floor: Floor
) -> None:
    planner = await factory.user(floor.site, role="planner")
    await push_factory.on_call(factory, floor.site, floor.technician, starts_at=MONDAY, ends_at=MONDAY + DAY)
    body = {
        "site_id": str(floor.site.id),
        "user_id": str(planner.id),
        "starts_at": (MONDAY + timedelta(hours=20)).isoformat(),
        "ends_at": (MONDAY + 2 * DAY).isoformat(),
    }
    r = await client.post("/api/oncall/", json=body, headers=await factory.headers(planner))
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "starts_at"


async def test_an_entry_must_end_after_it_starts(
    client: AsyncTestClient, factory: Factory, floor: Floor
) -> None:
    planner = await factory.user(floor.site, role="planner")
    body = {
        "site_id": str(floor.site.id),
        "user_id": str(floor.technician.id),
        "starts_at": "2026-03-02T18:00:00Z",
        "ends_at": "2026-03-02T06:00:00Z",
    }
    r = await client.post("/api/oncall/", json=body, headers=await factory.headers(planner))
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "ends_at", "reason": "must be after starts_at"}]


async def test_an_operator_cannot_be_on_call_for_maintenance(
    client: AsyncTestClient, factory: Factory, floor: Floor
) -> None:
    planner = await factory.user(floor.site, role="planner")
    operator = await factory.user(floor.site, role="operator")
    body = {
        "site_id": str(floor.site.id),
        "user_id": str(operator.id),
        "starts_at": "2026-03-02T06:00:00Z",
        "ends_at": "2026-03-02T18:00:00Z",
    }
    r = await client.post("/api/oncall/", json=body, headers=await factory.headers(planner))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "user_id"


async def test_technicians_cannot_change_the_rota(
    client: AsyncTestClient, factory: Factory, floor: Floor
) -> None:
    body = {
        "site_id": str(floor.site.id),
        "user_id": str(floor.technician.id),
        "starts_at": "2026-03-02T06:00:00Z",
        "ends_at": "2026-03-02T18:00:00Z",
    }
    assert (await client.post("/api/oncall/", json=body, headers=floor.headers)).status_code == 403


async def test_another_sites_rota_does_not_exist_for_the_caller(
    client: AsyncTestClient, factory: Factory, floor: Floor
) -> None:
    south = await factory.site()
    southern = await factory.user(south)
    shift = await push_factory.on_call(factory, south, southern, starts_at=MONDAY, ends_at=MONDAY + DAY)
    assert (await client.get(f"/api/oncall/{shift.id}", headers=floor.headers)).status_code == 404
    assert (await client.get("/api/oncall/", headers=floor.headers)).json() == []


async def test_an_unassigned_breakdown_goes_to_the_on_call_technician_whose_phone_gets_it(
    session: AsyncSession,
    session_maker: async_sessionmaker[Any],
    clock: FixedClock,
    factory: Factory,
    floor: Floor,
    push_service: LocalPushService,
) -> None:
    await push_factory.on_call(
        factory,
        floor.site,
        floor.technician,
        starts_at=clock.now() - DAY,
        ends_at=clock.now() + DAY,
        area=floor.area,
    )
    data = WorkOrderCreate(asset_id=floor.machine.id, title="Coolant leak", priority=Priority.EMERGENCY)
    wo = await maintenance.create_work_order(session, admin_actor(floor.site), data, clock)
    await session.commit()
    assert (wo.status, wo.assignee_ids) == ("assigned", [floor.technician.id])
    await send_due(session_maker, clock, http_timeout=5)
    [message] = push_service.messages
    assert (message.json()["work_order_id"], message.urgency) == (str(wo.id), "high")


async def test_planned_work_and_requests_are_not_dispatched_to_on_call(
    session: AsyncSession, clock: FixedClock, factory: Factory, floor: Floor
) -> None:
    await push_factory.on_call(
        factory, floor.site, floor.technician, starts_at=clock.now() - DAY, ends_at=clock.now() + DAY
    )
    actor = admin_actor(floor.site)
    pm = WorkOrderCreate(asset_id=floor.machine.id, title="Quarterly lube", type=WorkOrderType.PREVENTIVE)
    planned = await maintenance.create_work_order(session, actor, pm, clock)
    request = await maintenance.raise_request(
        session, actor, WorkRequestCreate(asset_id=floor.machine.id, title="Odd noise"), clock
    )
    await session.commit()
    assert (planned.status, request.status) == ("open", "requested")
    assert (await session.execute(select(PushOutbox))).first() is None
