"""A stop raises one corrective work order; closing it gives the stop its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.collector.protocol import INGEST_PATH, encode_batch
from backend.domain.downtime import services as downtime
from backend.domain.downtime.models import DowntimeEvent
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.models import WorkOrder
from backend.domain.maintenance.schemas import FailureCodeCreate, FailureCodesSet
from backend.domain.people.models import Site
from backend.lib.clock import FixedClock
from tests.factories import Factory, admin_actor
from tests.factories.machines import SampleSeq, batch, collector_token

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _send(client: AsyncTestClient, token: str, *samples: object) -> None:
    body = encode_batch(batch(*samples))  # type: ignore[arg-type]
    r = await client.post(INGEST_PATH, content=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text


async def _work_orders(session: AsyncSession) -> list[WorkOrder]:
    stmt = select(WorkOrder).order_by(WorkOrder.created_at).execution_options(populate_existing=True)
    return list((await session.execute(stmt)).scalars())


async def _event(session: AsyncSession) -> DowntimeEvent:
    stmt = select(DowntimeEvent).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one()


async def test_a_fault_stop_raises_exactly_one_corrective_work_order(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _send(
        client,
        token,
        s("M1", "run_state", True, _at(0)),
        s("M1", "fault_code", 12, _at(59)),
        s("M1", "run_state", False, _at(60)),
    )
    await _send(client, token, s("M1", "fault_code", 12, _at(61)))
    [wo] = await _work_orders(session)
    event = await _event(session)
    assert (wo.type, wo.downtime_event_id, event.work_order_id) == ("corrective", event.id, wo.id)
    assert "fault 12" in wo.title


async def test_a_long_stop_raises_its_ticket_when_the_clock_passes_the_ticket_threshold(
    client: AsyncTestClient, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _send(client, token, s("M1", "run_state", True, _at(0)), s("M1", "run_state", False, _at(60)))
    clock.set(_at(300))
    await downtime.evaluate_open_stops(session, clock)
    await session.commit()
    assert await _work_orders(session) == []
    clock.set(_at(400))
    await downtime.evaluate_open_stops(session, clock)
    await downtime.evaluate_open_stops(session, clock)
    await session.commit()
    assert len(await _work_orders(session)) == 1


async def test_a_flapping_machine_gets_one_ticket(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _send(
        client,
        token,
        s("M1", "run_state", True, _at(0)),
        s("M1", "fault_code", 5, _at(1)),
        s("M1", "run_state", False, _at(10)),
    )
    for i in range(10):
        await _send(
            client,
            token,
            s("M1", "run_state", True, _at(100 + 50 * i)),
            s("M1", "run_state", False, _at(110 + 50 * i)),
        )
    assert len(await _work_orders(session)) == 1


async def _codes(session: AsyncSession, site: Site) -> tuple[object, object]:
    actor = admin_actor(site)

    def code(kind: str, code: str, name: str) -> FailureCodeCreate:
        raw = {"site_id": site.id, "asset_class": "*", "kind": kind, "code": code, "name": name}
        return msgspec.convert(raw, FailureCodeCreate)

    problem = await maintenance.create_failure_code(session, actor, code("problem", "BRG", "Bearing seized"))
    cause = await maintenance.create_failure_code(session, actor, code("cause", "LUB", "No lubrication"))
    await session.commit()
    return problem.id, cause.id


async def test_closing_the_work_order_gives_the_stop_its_reason(
    client: AsyncTestClient, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    problem_id, cause_id = await _codes(session, site)
    s = SampleSeq()
    await _send(
        client,
        token,
        s("M1", "run_state", True, _at(0)),
        s("M1", "fault_code", 9, _at(1)),
        s("M1", "run_state", False, _at(60)),
    )
    [wo] = await _work_orders(session)
    tech = await factory.user(site, role="technician")
    actor = admin_actor(site)
    clock.set(_at(120))
    await maintenance.assign(session, actor, wo.id, [tech.id], clock)
    await maintenance.transition(session, actor, wo.id, "in_progress", clock)
    await maintenance.set_failure_codes(
        session, actor, wo.id, FailureCodesSet(problem_code_id=problem_id, cause_code_id=cause_id), clock
    )  # type: ignore[arg-type]
    await maintenance.transition(session, actor, wo.id, "done", clock)
    await session.commit()
    event = await _event(session)
    assert (event.reason_code, event.reason_source) == ("BRG/LUB", "work_order")
    assert event.reason_label == "machine: Bearing seized / No lubrication"


async def test_an_operator_cannot_override_a_work_orders_reason(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _send(
        client,
        token,
        s("M1", "run_state", True, _at(0)),
        s("M1", "fault_code", 9, _at(1)),
        s("M1", "run_state", False, _at(60)),
    )
    event = await _event(session)
    operator = await factory.user(site, role="operator")
    r = await client.post(
        f"/api/downtime/events/{event.id}/classify",
        json={"reason_code": "anything"},
        headers=await factory.headers(operator),
    )
    assert r.status_code == 409
    assert r.json()["work_order_id"] == str(event.work_order_id)
