"""Reliability figures against the hand-computed example of docs/reliability.md.

Period: 2026-03-01 00:00 to 2026-03-08 00:00 UTC (168 h). Line L1 holds mills M1 and M2 (M2 has a
spindle component), line L2 holds press M3. Corrective repairs (created -> done):
I  M1  02-28 22:00 -> 03-01 02:00  4 h (fails before the period, restored in it)
A  M1  03-02 08:00 -> 10:00        2 h  P1/C1
C  M2  03-03 06:00 -> 09:00        3 h  P2/C2
E  M2s 03-03 08:00 -> 10:00        2 h  P2/C1 (overlaps C: M2 is down 06:00-10:00 once)
B  M1  03-04 12:00 -> 16:00        4 h  P1/C2
D  M3  03-05 00:00 -> 06:00        6 h  P3/C1
H  M3  03-07 20:00 -> (in progress, down until the period ends: 4 h)
Not failures: a preventive on M1, a cancelled corrective on M1, a work request on M1.
Backlog besides H: an open inspection J (2 h estimated), an assigned low-priority preventive K
without estimate, overdue at the end of the period.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.maintenance import events, reliability, services
from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.schemas import FailureCodesSet, LaborAdd, WorkOrderCreate, WorkRequestCreate
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 8, tzinfo=UTC)
PERIOD = "start=2026-03-01T00:00:00Z&end=2026-03-08T00:00:00Z"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Dataset:
    assets: dict[str, Asset]
    wos: dict[str, WorkOrder]
    codes: dict[str, uuid.UUID]


@pytest.fixture
async def data(plant: Plant, factory: Factory, clock: FixedClock, session: AsyncSession) -> Dataset:
    site = plant.north
    area = await factory.asset(site, level="area")
    l1 = await factory.asset(site, level="line", parent=area, code="L1", name="Line 1")
    l2 = await factory.asset(site, level="line", parent=area, code="L2", name="Line 2")
    m1 = await factory.asset(site, parent=l1, code="M1", asset_class="cnc-mill")
    m2 = await factory.asset(site, parent=l1, code="M2", asset_class="cnc-mill")
    m2s = await factory.asset(site, level="component", parent=m2, code="M2-S")
    m3 = await factory.asset(site, parent=l2, code="M3", asset_class="press")
    codes = {
        "P1": (await mf.failure_code(factory, site, "problem", "P1", asset_class="cnc-mill")).id,
        "P2": (await mf.failure_code(factory, site, "problem", "P2")).id,
        "P3": (await mf.failure_code(factory, site, "problem", "P3", asset_class="press")).id,
        "C1": (await mf.failure_code(factory, site, "cause", "C1")).id,
        "C2": (await mf.failure_code(factory, site, "cause", "C2")).id,
    }
    admin = mf.site_admin(site.id)

    async def job(
        asset: Asset,
        created: datetime,
        done: datetime | None = None,
        problem: str | None = None,
        cause: str | None = None,
        **fields: Any,
    ) -> WorkOrder:
        clock.set(created)
        body = WorkOrderCreate(asset_id=asset.id, title="job", assignee_ids=[plant.tech.id], **fields)
        wo = await services.create_work_order(session, admin, body, clock)
        await services.transition(session, admin, wo.id, "in_progress", clock)
        if problem or cause:
            chosen = FailureCodesSet(
                problem_code_id=codes[problem] if problem else None,
                cause_code_id=codes[cause] if cause else None,
            )
            await services.set_failure_codes(session, admin, wo.id, chosen, clock)
        if done is not None:
            clock.set(done)
            await services.transition(session, admin, wo.id, "done", clock)
        await session.commit()
        return wo

    wos = {
        "I": await job(m1, at(2, 28, 22), at(3, 1, 2)),
        "A": await job(m1, at(3, 2, 8), at(3, 2, 10), "P1", "C1"),
        "C": await job(m2, at(3, 3, 6), at(3, 3, 9), "P2", "C2"),
        "E": await job(m2s, at(3, 3, 8), at(3, 3, 10), "P2", "C1"),
        "B": await job(m1, at(3, 4, 12), at(3, 4, 16), "P1", "C2"),
        "D": await job(m3, at(3, 5, 0), at(3, 5, 6), "P3", "C1"),
        "F": await job(m1, at(3, 6, 8), at(3, 6, 9), type="preventive"),
        "H": await job(m3, at(3, 7, 20), priority="high", estimated_hours=3.0),
    }
    clock.set(at(3, 6, 10))
    cancelled = await services.create_work_order(
        session, admin, WorkOrderCreate(asset_id=m1.id, title="x"), clock
    )
    await services.transition(session, admin, cancelled.id, "cancelled", clock)
    await services.raise_request(session, admin, WorkRequestCreate(asset_id=m1.id, title="noise"), clock)
    body = WorkOrderCreate(asset_id=m2.id, title="J", type="inspection", estimated_hours=2.0)
    wos["J"] = await services.create_work_order(session, admin, body, clock)
    body = WorkOrderCreate(
        asset_id=m3.id,
        title="K",
        type="preventive",
        priority="low",
        due_at=at(3, 7, 12),
        assignee_ids=[plant.tech.id],
    )
    wos["K"] = await services.create_work_order(session, admin, body, clock)
    clock.set(at(3, 2, 10))
    for user, start, end in (
        (plant.tech, at(3, 2, 8), at(3, 2, 9, 30)),
        (plant.tech2, at(3, 2, 9, 30), at(3, 2, 10)),
    ):
        entry = LaborAdd(user_id=user.id, started_at=start, ended_at=end)
        await services.add_labor(session, admin, wos["A"].id, entry, clock)
    await session.commit()
    clock.set(END)
    assets = {"L1": l1, "L2": l2, "M1": m1, "M2": m2, "M3": m3}
    return Dataset(assets=assets, wos=wos, codes=codes)


@pytest.fixture
def parts_for_a(data: Dataset) -> Iterator[None]:
    async def provider(_s: AsyncSession, wo_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        return {data.wos["A"].id: 35.5} if data.wos["A"].id in wo_ids else {}

    events.parts_cost_provider.append(provider)
    yield
    events.parts_cost_provider.remove(provider)


async def _get(client: AsyncTestClient, plant: Plant, url: str) -> Any:
    r = await client.get(url, headers=plant["planner"])
    assert r.status_code == 200, r.text
    return r.json()


async def test_mttr_is_the_mean_time_to_restore_over_the_period(
    client: AsyncTestClient, plant: Plant, data: Dataset
) -> None:
    result = await _get(client, plant, f"/api/reliability/mttr?{PERIOD}")
    assert (result["repairs"], result["repair_hours"], result["mttr_hours"]) == (6, 21.0, 3.5)


async def test_mttr_of_one_asset_covers_its_repairs_only(
    client: AsyncTestClient, plant: Plant, data: Dataset
) -> None:
    result = await _get(client, plant, f"/api/reliability/mttr?{PERIOD}&asset_id={data.assets['M1'].id}")
    assert (result["repairs"], result["repair_hours"]) == (3, 10.0)
    assert result["mttr_hours"] == pytest.approx(10 / 3)


async def test_mtbf_per_machine(client: AsyncTestClient, plant: Plant, data: Dataset) -> None:
    rows = await _get(client, plant, f"/api/reliability/mtbf?{PERIOD}&group_by=asset")
    by_id = {r["asset_id"]: r for r in rows}
    expected = {"M1": (8.0, 160.0, 2, 80.0), "M2": (4.0, 164.0, 2, 82.0), "M3": (10.0, 158.0, 2, 79.0)}
    for code, figures in expected.items():
        row = by_id[str(data.assets[code].id)]
        assert (row["downtime_hours"], row["operating_hours"], row["failures"], row["mtbf_hours"]) == figures


async def test_mtbf_per_asset_class(client: AsyncTestClient, plant: Plant, data: Dataset) -> None:
    rows = await _get(
        client, plant, f"/api/reliability/mtbf?{PERIOD}&group_by=asset_class&site_id={plant.north.id}"
    )
    figures = {r["key"]: (r["operating_hours"], r["failures"], r["mtbf_hours"]) for r in rows}
    # M1 and M2 (160 h + 164 h, 4 failures) plus the plant's idle mill (168 h, no failure).
    assert figures["cnc-mill"] == (324.0 + 168.0, 4, 123.0)
    assert figures["press"] == (158.0, 2, 79.0)


async def test_mtbf_per_line(client: AsyncTestClient, plant: Plant, data: Dataset) -> None:
    rows = await _get(client, plant, f"/api/reliability/mtbf?{PERIOD}&group_by=line")
    figures = {r["asset_id"]: (r["downtime_hours"], r["failures"], r["mtbf_hours"]) for r in rows}
    assert figures[str(data.assets["L1"].id)] == (12.0, 4, 39.0)
    assert figures[str(data.assets["L2"].id)] == (10.0, 2, 79.0)


async def test_failure_pareto_by_problem_and_by_cause(
    client: AsyncTestClient, plant: Plant, data: Dataset
) -> None:
    problems = await _get(client, plant, f"/api/reliability/pareto?{PERIOD}&by=problem")
    assert [(r["code"], r["count"], r["repair_hours"], r["cumulative_share"]) for r in problems] == [
        ("P1", 2, 6.0, 0.4),
        ("P2", 2, 5.0, 0.8),
        ("P3", 1, 6.0, 1.0),
    ]
    causes = await _get(client, plant, f"/api/reliability/pareto?{PERIOD}&by=cause")
    assert [(r["code"], r["count"], r["repair_hours"], r["share"]) for r in causes] == [
        ("C1", 3, 10.0, 0.6),
        ("C2", 2, 7.0, 0.4),
    ]


async def test_backlog_counts_approved_unfinished_work_by_priority(
    client: AsyncTestClient, plant: Plant, data: Dataset
) -> None:
    result = await _get(client, plant, f"/api/reliability/backlog?site_id={plant.north.id}")
    assert (result["work_orders"], result["estimated_hours"]) == (3, 5.0)
    rows = {
        r["priority"]: (r["work_orders"], r["estimated_hours"], r["unestimated"], r["overdue"])
        for r in result["by_priority"]
    }
    assert rows == {
        "emergency": (0, 0.0, 0, 0),
        "high": (1, 3.0, 0, 0),
        "medium": (1, 2.0, 0, 0),
        "low": (1, 0.0, 1, 1),
    }


async def test_work_order_cost_is_labor_at_each_rate_plus_parts(
    client: AsyncTestClient, plant: Plant, data: Dataset, parts_for_a: None
) -> None:
    cost = await _get(client, plant, f"/api/reliability/costs/work-orders/{data.wos['A'].id}")
    assert (cost["labor_minutes"], cost["labor_hours"], cost["labor_cost"]) == (120, 2.0, 110.0)
    assert (cost["parts_cost"], cost["total_cost"]) == (35.5, 145.5)


async def test_asset_cost_sums_the_work_finished_in_the_period(
    client: AsyncTestClient, plant: Plant, data: Dataset, parts_for_a: None
) -> None:
    rows = await _get(
        client, plant, f"/api/reliability/costs/assets?{PERIOD}&asset_id={data.assets['L1'].id}"
    )
    assert [(r["code"], r["work_orders"], r["total_cost"]) for r in rows] == [
        ("M1", 4, 145.5),
        ("M2", 1, 0.0),
        ("M2-S", 1, 0.0),
    ]


async def test_linked_downtime_replaces_the_work_order_times(
    plant: Plant, data: Dataset, session: AsyncSession
) -> None:
    async def downtime(
        _s: AsyncSession, wos: Sequence[WorkOrder]
    ) -> dict[uuid.UUID, tuple[datetime, datetime | None]]:
        return {wo.id: (at(3, 2, 7, 30), at(3, 2, 10, 30)) for wo in wos if wo.id == data.wos["A"].id}

    result = await reliability.mttr(session, start=START, end=END, downtime=downtime)
    assert (result.repairs, result.repair_hours) == (6, 22.0)


async def test_operators_do_not_see_reliability_figures(client: AsyncTestClient, plant: Plant) -> None:
    r = await client.get(f"/api/reliability/mttr?{PERIOD}", headers=plant["operator"])
    assert r.status_code == 403


async def test_a_period_must_end_after_it_starts_and_carry_a_timezone(
    client: AsyncTestClient, plant: Plant
) -> None:
    backwards = await client.get(
        "/api/reliability/mttr?start=2026-03-08T00:00:00Z&end=2026-03-01T00:00:00Z", headers=plant["planner"]
    )
    assert (backwards.status_code, backwards.json()["errors"][0]["field"]) == (422, "end")
    naive = await client.get("/api/reliability/mttr?start=2026-03-01T00:00:00", headers=plant["planner"])
    assert (naive.status_code, naive.json()["errors"][0]["field"]) == (422, "start")
