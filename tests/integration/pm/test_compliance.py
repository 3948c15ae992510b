"""Overdue occurrences and PM compliance, checked against a dataset computed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient

from backend.domain.assets.models import Asset
from backend.domain.people.models import Site
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.pm import PmFactory
from tests.integration.pm.conftest import Cell

MON = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
D = timedelta(days=1)
AS_OF = datetime(2026, 4, 3, 12, 0, tzinfo=UTC)


async def test_an_open_occurrence_is_overdue_only_past_its_due_date_plus_grace(
    pm: PmFactory, cell: Cell, clock: FixedClock, client: AsyncTestClient, factory: Factory
) -> None:
    plan = await pm.calendar(cell.machine, MON, every=1, unit="week", grace_days=1)
    clock.set(MON)
    await pm.generate()
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    clock.set(MON + D)
    on_edge = (await client.get(f"/api/pm/occurrences/?plan_id={plan.id}", headers=h)).json()
    assert [o["state"] for o in on_edge] == ["open"]
    clock.set(MON + D + timedelta(seconds=1))
    overdue = (await client.get("/api/pm/occurrences/?state=overdue", headers=h)).json()
    assert [(o["plan_id"], o["due_at"]) for o in overdue] == [(str(plan.id), "2026-03-09T06:00:00Z")]


async def test_work_done_after_the_grace_period_counts_as_done_late(
    pm: PmFactory, cell: Cell, clock: FixedClock, client: AsyncTestClient, factory: Factory
) -> None:
    await pm.calendar(cell.machine, MON, every=1, unit="week", grace_days=2)
    clock.set(MON)
    await pm.generate()
    [wo] = await pm.work_orders((await pm.plans())[0])
    await pm.complete(wo, MON + 2 * D + timedelta(minutes=1))
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    listed = (await client.get("/api/pm/occurrences/?state=done_late", headers=h)).json()
    assert [o["work_order_id"] for o in listed] == [str(wo.id)]


@dataclass
class Dataset:
    north: Site
    south: Site
    m1: Asset
    m2: Asset
    m3: Asset


@pytest.fixture
async def dataset(pm: PmFactory, factory: Factory, clock: FixedClock) -> Dataset:
    """Four weekly occurrences per machine, due Mondays Mar 9 – Mar 30 at 06:00; as of Apr 3 noon:

    M1 (north, grace 2 d): Mar 9 done Mar 10 (on time) · Mar 16 done Mar 19 (late) ·
        Mar 23 done Mar 25 06:00, the last moment of grace (on time) · Mar 30 open (overdue)
    M2 (north, grace 2 d): Mar 9 cancelled · Mar 16 done Mar 16 (on time) · Mar 23 never done
        (overdue) · Mar 30 skipped (Mar 23 still open)
    M3 (south, grace 5 d): Mar 9 done Mar 9 (on time) · Mar 17 done (on time) ·
        Mar 23 done Mar 28 12:00 (late) · Mar 30 open within grace (undecided)
    """
    north, south = await factory.site(), await factory.site()
    m1, m2, m3 = (await factory.asset(north), await factory.asset(north), await factory.asset(south))
    plans = {
        m1.id: await pm.calendar(m1, MON, every=1, unit="week", grace_days=2),
        m2.id: await pm.calendar(m2, MON, every=1, unit="week", grace_days=2),
        m3.id: await pm.calendar(m3, MON, every=1, unit="week", grace_days=5),
    }
    done = {
        (m1.id, 0): MON + D,
        (m1.id, 1): MON + 7 * D + 3 * D,
        (m1.id, 2): MON + 14 * D + 2 * D,
        (m2.id, 1): MON + 7 * D,
        (m3.id, 0): MON,
        (m3.id, 1): MON + 8 * D,
        (m3.id, 2): MON + 19 * D + timedelta(hours=6),
    }
    for week in range(4):
        clock.set(MON + 7 * week * D)
        await pm.generate()
        for asset_id, plan in plans.items():
            wo = next((w for w in await pm.work_orders(plan) if w.due_at == clock.now()), None)
            if wo is None:
                continue
            if (asset_id, week) in done:
                await pm.complete(wo, done[(asset_id, week)])
            elif (asset_id, week) == (m2.id, 0):
                await pm.cancel(wo, MON + D)
    clock.set(AS_OF)
    return Dataset(north, south, m1, m2, m3)


def _figure(body: dict[str, object]) -> tuple[object, ...]:
    keys = ("compliance", "decided", "on_time", "late", "overdue", "open", "cancelled", "skipped")
    return tuple(body[k] for k in keys)


async def test_compliance_matches_the_hand_computation_per_site_and_per_asset(
    dataset: Dataset, client: AsyncTestClient, factory: Factory
) -> None:
    manager = await factory.user(dataset.north, dataset.south, role="manager")
    r = await client.get(
        "/api/pm/compliance/?from=2026-03-09T00:00:00Z&to=2026-04-06T00:00:00Z",
        headers=await factory.headers(manager),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert _figure(body["overall"]) == (5 / 9, 9, 5, 2, 2, 1, 1, 1)
    sites = {s["site_id"]: _figure(s) for s in body["sites"]}
    assert sites == {
        str(dataset.north.id): (3 / 6, 6, 3, 1, 2, 0, 1, 1),
        str(dataset.south.id): (2 / 3, 3, 2, 1, 0, 1, 0, 0),
    }
    assets = {a["asset_id"]: _figure(a) for a in body["assets"]}
    assert assets == {
        str(dataset.m1.id): (2 / 4, 4, 2, 1, 1, 0, 0, 0),
        str(dataset.m2.id): (1 / 2, 2, 1, 0, 1, 0, 1, 1),
        str(dataset.m3.id): (2 / 3, 3, 2, 1, 0, 1, 0, 0),
    }


async def test_compliance_counts_only_occurrences_due_in_the_period(
    dataset: Dataset, client: AsyncTestClient, factory: Factory
) -> None:
    manager = await factory.user(dataset.north, dataset.south, role="manager")
    r = await client.get(
        f"/api/pm/compliance/?from=2026-03-16T00:00:00Z&to=2026-03-23T00:00:00Z&asset_id={dataset.m1.id}",
        headers=await factory.headers(manager),
    )
    assert _figure(r.json()["overall"]) == (0.0, 1, 0, 1, 0, 0, 0, 0)


async def test_compliance_holds_only_the_users_sites(
    dataset: Dataset, client: AsyncTestClient, factory: Factory
) -> None:
    planner = await factory.user(dataset.south, role="planner")
    body = (
        await client.get(
            "/api/pm/compliance/?from=2026-03-09T00:00:00Z&to=2026-04-06T00:00:00Z",
            headers=await factory.headers(planner),
        )
    ).json()
    assert [s["site_id"] for s in body["sites"]] == [str(dataset.south.id)]
    assert body["overall"]["decided"] == 3


async def test_a_compliance_period_that_ends_before_it_starts_is_refused_naming_to(
    client: AsyncTestClient, factory: Factory, cell: Cell
) -> None:
    h = await factory.headers(await factory.user(cell.site, role="planner"))
    r = await client.get("/api/pm/compliance/?from=2026-03-09T00:00:00Z&to=2026-03-01T00:00:00Z", headers=h)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "to", "reason": "must be after from"}]
