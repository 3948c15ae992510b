"""PM and meters are scoped to the caller's sites: another site's records are simply not there."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.testing import AsyncTestClient

from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.pm import PmFactory

MAR_10 = datetime(2026, 3, 10, 6, tzinfo=UTC)


async def test_a_plan_of_another_site_is_not_found_and_not_listed(
    client: AsyncTestClient, factory: Factory, pm: PmFactory
) -> None:
    north, south = await factory.site(), await factory.site()
    south_plan = await pm.calendar(await factory.asset(south), MAR_10)
    h = await factory.headers(await factory.user(north, role="manager"))
    for method, path in (
        ("GET", f"/api/pm/plans/{south_plan.id}"),
        ("PATCH", f"/api/pm/plans/{south_plan.id}"),
        ("DELETE", f"/api/pm/plans/{south_plan.id}"),
        ("POST", f"/api/pm/plans/{south_plan.id}/pause"),
    ):
        r = await client.request(method, path, headers=h, json={"name": "x"} if method == "PATCH" else None)
        assert r.status_code == 404, (method, path)
    assert (await client.get("/api/pm/plans/", headers=h)).json() == []


async def test_a_plan_cannot_target_an_asset_of_another_site(
    client: AsyncTestClient, factory: Factory
) -> None:
    north, south = await factory.site(), await factory.site()
    south_machine = await factory.asset(south)
    h = await factory.headers(await factory.user(north, role="planner"))
    body = {"name": "x", "kind": "calendar", "asset_id": str(south_machine.id), "every": 1, "unit": "week"}
    r = await client.post("/api/pm/plans/", json={**body, "starts_at": "2026-03-10T06:00:00Z"}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "asset_id", "reason": "no such asset"}]


async def test_occurrences_of_another_site_are_not_listed_or_found(
    client: AsyncTestClient, factory: Factory, pm: PmFactory, clock: FixedClock
) -> None:
    north, south = await factory.site(), await factory.site()
    await pm.calendar(await factory.asset(north), MAR_10)
    south_plan = await pm.calendar(await factory.asset(south), MAR_10)
    clock.set(MAR_10)
    await pm.generate()
    [south_occurrence] = await pm.occurrences(south_plan)
    h = await factory.headers(await factory.user(north, role="technician"))
    listed = (await client.get("/api/pm/occurrences/", headers=h)).json()
    assert [o["site_id"] for o in listed] == [str(north.id)]
    assert (await client.get(f"/api/pm/occurrences/{south_occurrence.id}", headers=h)).status_code == 404


async def test_meter_readings_of_another_sites_asset_are_refused_and_hidden(
    client: AsyncTestClient, factory: Factory, pm: PmFactory
) -> None:
    north, south = await factory.site(), await factory.site()
    south_machine = await factory.asset(south)
    await pm.reading(south_machine, 10.0)
    h = await factory.headers(await factory.user(north, role="technician"))
    body = {"asset_id": str(south_machine.id), "meter": "run_hours", "value": 20.0}
    r = await client.post("/api/meters/readings", json=body, headers=h)
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "asset_id")
    history = await client.get(f"/api/meters/readings?asset_id={south_machine.id}&meter=run_hours", headers=h)
    assert history.status_code == 404
    signals = await client.get(f"/api/signals/?asset_id={south_machine.id}", headers=h)
    assert signals.status_code == 404


async def test_compliance_of_a_site_the_user_cannot_see_is_not_found(
    client: AsyncTestClient, factory: Factory
) -> None:
    north, south = await factory.site(), await factory.site()
    h = await factory.headers(await factory.user(north, role="manager"))
    r = await client.get(
        f"/api/pm/compliance/?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&site_id={south.id}", headers=h
    )
    assert r.status_code == 404
