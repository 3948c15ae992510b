"""Work-order lists: filters, sort orders, keyset cursors that hold under inserts, my work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from backend.domain.maintenance.models import WorkOrder
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant


async def _all_pages(
    client: AsyncTestClient, plant: Plant, query: str, *, between: Any = None
) -> tuple[list[str], int]:
    ids: list[str] = []
    cursor, pages = None, 0
    while True:
        url = f"/api/work-orders/?{query}" + (f"&cursor={cursor}" if cursor else "")
        r = await client.get(url, headers=plant["planner"])
        assert r.status_code == 200, r.text
        ids += [w["id"] for w in r.json()["items"]]
        cursor, pages = r.json()["next_cursor"], pages + 1
        if between is not None:
            await between()
        if cursor is None:
            return ids, pages


async def test_paging_while_others_insert_neither_repeats_nor_skips(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    existing: list[WorkOrder] = []
    for i in range(13):
        if i % 3:
            clock.advance(timedelta(minutes=1))
        existing.append(await mf.work_order(factory, plant.machine, clock))

    async def insert_more() -> None:
        existing_at = existing[4].created_at
        clock.set(existing_at)
        await mf.work_order(factory, plant.machine, clock)
        clock.advance(timedelta(hours=1))
        await mf.work_order(factory, plant.machine, clock)

    for sort in ("-created", "created", "number", "-priority"):
        ids, pages = await _all_pages(client, plant, f"sort={sort}&limit=4", between=insert_more)
        assert len(ids) == len(set(ids)), sort
        assert {str(w.id) for w in existing} <= set(ids), sort
        assert pages >= 4


async def test_newest_first_is_the_default_order(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    first = await mf.work_order(factory, plant.machine, clock)
    clock.advance(timedelta(minutes=5))
    second = await mf.work_order(factory, plant.machine, clock)
    items = (await client.get("/api/work-orders/", headers=plant["tech"])).json()["items"]
    assert [w["id"] for w in items] == [str(second.id), str(first.id)]


async def test_sorting_by_due_puts_undated_work_last(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    undated = await mf.work_order(factory, plant.machine, clock)
    later = await mf.work_order(factory, plant.machine, clock, due_at=clock.now() + timedelta(days=3))
    sooner = await mf.work_order(factory, plant.machine, clock, due_at=clock.now() + timedelta(days=1))
    ids, _ = await _all_pages(client, plant, "sort=due&limit=2")
    assert ids == [str(sooner.id), str(later.id), str(undated.id)]


async def test_filters_combine(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    component = await factory.asset(plant.north, level="component", parent=plant.machine)
    other_machine = await factory.asset(plant.north)
    on_component = await mf.work_order(
        factory,
        component,
        clock,
        priority="high",
        assignees=[plant.tech],
        due_at=clock.now() + timedelta(days=2),
    )
    on_machine = await mf.work_order(factory, plant.machine, clock, priority="low", type="inspection")
    elsewhere = await mf.work_order(factory, other_machine, clock, priority="high", assignees=[plant.tech2])

    async def ids(query: str) -> set[str]:
        r = await client.get(f"/api/work-orders/?{query}", headers=plant["planner"])
        assert r.status_code == 200, r.text
        return {w["id"] for w in r.json()["items"]}

    assert await ids(f"asset_id={plant.machine.id}") == {str(on_component.id), str(on_machine.id)}
    assert await ids("status=assigned") == {str(on_component.id), str(elsewhere.id)}
    assert await ids("status=open&status=assigned") == {
        str(on_component.id),
        str(on_machine.id),
        str(elsewhere.id),
    }
    assert await ids(f"assignee_id={plant.tech.id}") == {str(on_component.id)}
    assert await ids("priority=high&type=corrective") == {str(on_component.id), str(elsewhere.id)}
    assert await ids("type=inspection") == {str(on_machine.id)}
    due_from = (clock.now() + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert await ids(f"due_from={due_from}") == {str(on_component.id)}
    assert await ids(f"site_id={plant.south.id}") == set()


async def test_bad_list_parameters_are_named(client: AsyncTestClient, plant: Plant) -> None:
    for query, field in (
        ("sort=colour", "sort"),
        ("status=broken", "status"),
        ("cursor=not-a-cursor", "cursor"),
        ("limit=0", "limit"),
        ("due_from=2026-03-01T00:00:00", "due_from"),
    ):
        r = await client.get(f"/api/work-orders/?{query}", headers=plant["planner"])
        assert r.status_code in {400, 422}, query
        assert r.json()["errors"][0]["field"] == field, query


async def test_a_cursor_of_another_sort_is_refused(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    for _ in range(3):
        await mf.work_order(factory, plant.machine, clock)
    page = (await client.get("/api/work-orders/?limit=2&sort=number", headers=plant["planner"])).json()
    r = await client.get(
        f"/api/work-orders/?limit=2&sort=priority&cursor={page['next_cursor']}", headers=plant["planner"]
    )
    assert r.status_code == 422


async def test_my_work_is_mine_unfinished_most_urgent_then_earliest_due(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock
) -> None:
    now = clock.now()
    me = [plant.tech]
    medium = await mf.work_order(factory, plant.machine, clock, assignees=me, priority="medium", due_at=now)
    high_undated = await mf.work_order(factory, plant.machine, clock, assignees=me, priority="high")
    high_soon = await mf.work_order(
        factory, plant.machine, clock, assignees=me, priority="high", due_at=now + timedelta(days=1)
    )
    emergency = await mf.work_order(
        factory, plant.machine, clock, assignees=me, priority="emergency", due_at=now + timedelta(days=9)
    )
    held = await mf.work_order(factory, plant.machine, clock, assignees=me, priority="low", status="on_hold")
    await mf.work_order(factory, plant.machine, clock, assignees=me, priority="emergency", status="done")
    await mf.work_order(factory, plant.machine, clock, assignees=[plant.tech2], priority="emergency")
    await mf.work_order(factory, plant.machine, clock, priority="emergency")
    r = await client.get("/api/work-orders/my-work", headers=plant["tech"])
    assert [w["id"] for w in r.json()] == [
        str(emergency.id),
        str(high_soon.id),
        str(high_undated.id),
        str(medium.id),
        str(held.id),
    ]
