"""Stops become downtime events once they outlast the micro-stop threshold; reasons have one source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.collector.protocol import INGEST_PATH, encode_batch
from backend.domain.downtime import services as downtime
from backend.domain.downtime.models import DowntimeEvent, DowntimeReason
from backend.lib.clock import FixedClock
from tests.factories import Factory
from tests.factories.machines import SampleSeq, batch, collector_token

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _send(client: AsyncTestClient, token: str, *samples: object) -> None:
    r = await client.post(
        INGEST_PATH, content=encode_batch(batch(*samples)), headers={"Authorization": f"Bearer {token}"}
    )  # type: ignore[arg-type]
    assert r.status_code == 200, r.text


async def _events(session: AsyncSession) -> list[DowntimeEvent]:
    stmt = select(DowntimeEvent).order_by(DowntimeEvent.started_at).execution_options(populate_existing=True)
    return list((await session.execute(stmt)).scalars())


async def test_a_stop_longer_than_the_micro_stop_threshold_is_a_downtime_event(
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
        s("M1", "run_state", False, _at(60)),
        s("M1", "run_state", True, _at(600)),
    )
    [event] = await _events(session)
    assert (event.started_at, event.ended_at) == (_at(60), _at(600))


async def test_a_short_stop_is_only_a_micro_stop(
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
        s("M1", "run_state", False, _at(60)),
        s("M1", "run_state", True, _at(90)),
    )
    assert await _events(session) == []


async def test_a_stop_with_a_fault_code_opens_an_event_at_once(
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
        s("M1", "fault_code", 31, _at(59)),
        s("M1", "run_state", False, _at(60)),
    )
    [event] = await _events(session)
    assert (event.started_at, event.ended_at, event.fault_code) == (_at(60), None, 31)


async def test_an_ongoing_stop_becomes_an_event_when_the_clock_passes_the_threshold(
    client: AsyncTestClient, factory: Factory, session: AsyncSession, clock: FixedClock
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _send(client, token, s("M1", "run_state", True, _at(0)), s("M1", "run_state", False, _at(60)))
    clock.set(_at(120))
    await downtime.evaluate_open_stops(session, clock)
    assert await _events(session) == []
    clock.set(_at(200))
    await downtime.evaluate_open_stops(session, clock)
    await session.commit()
    [event] = await _events(session)
    assert (event.started_at, event.ended_at) == (_at(60), None)


async def test_a_flapping_machine_has_one_event(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    samples = [s("M1", "run_state", True, _at(0)), s("M1", "run_state", False, _at(10))]
    for i in range(10):
        samples += [
            s("M1", "run_state", True, _at(300 + 100 * i)),
            s("M1", "run_state", False, _at(310 + 100 * i)),
        ]
    for sample in samples:
        await _send(client, token, sample)
    assert len(await _events(session)) == 1


async def test_late_data_that_turns_a_stop_into_a_glitch_removes_the_event(
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
        s("M1", "run_state", False, _at(100)),
        s("M1", "run_state", True, _at(250)),
    )
    assert len(await _events(session)) == 1
    await _send(client, token, s("M1", "run_state", True, _at(101)), s("M1", "run_state", False, _at(249)))
    events = await _events(session)
    assert events == []


async def test_an_operator_classifies_a_stop_from_the_reason_tree(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    session.add(
        DowntimeReason(
            site_id=site.id, code="material.shortage", label="Material shortage", category="material"
        )
    )
    await session.commit()
    s = SampleSeq()
    await _send(
        client,
        token,
        s("M1", "run_state", True, _at(0)),
        s("M1", "run_state", False, _at(60)),
        s("M1", "run_state", True, _at(240)),
    )
    [event] = await _events(session)
    operator = await factory.user(site, role="operator")
    r = await client.post(
        f"/api/downtime/events/{event.id}/classify",
        json={"reason_code": "material.shortage"},
        headers=await factory.headers(operator),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["reason_label"], r.json()["reason_source"]) == (
        "material: Material shortage",
        "operator",
    )


async def test_an_unknown_reason_is_refused_by_field(
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
        s("M1", "run_state", False, _at(60)),
        s("M1", "run_state", True, _at(240)),
    )
    [event] = await _events(session)
    operator = await factory.user(site, role="operator")
    r = await client.post(
        f"/api/downtime/events/{event.id}/classify",
        json={"reason_code": "aliens"},
        headers=await factory.headers(operator),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "reason_code"
    assert (await _events(session))[0].reason_code is None
