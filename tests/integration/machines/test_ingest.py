"""The ingest endpoint stores each batch's machine facts exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.collector.protocol import INGEST_PATH, encode_batch
from backend.domain.machines.models import CountDelta, MachineCurrent, MachineStateChange, SignalValue
from tests.factories import Factory
from tests.factories.machines import SampleSeq, batch, collector_token

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _post(
    client: AsyncTestClient, token: str, body: bytes, content_type: str = "application/json"
) -> dict:
    r = await client.post(
        INGEST_PATH, content=body, headers={"Authorization": f"Bearer {token}", "content-type": content_type}
    )
    assert r.status_code == 200, r.text
    return r.json()


async def _states(session: AsyncSession) -> list[tuple[float, str, int | None]]:
    rows = (await session.execute(select(MachineStateChange).order_by(MachineStateChange.at))).scalars()
    return [((r.at - T0).total_seconds(), r.state, r.fault_code) for r in rows]


async def test_a_batch_without_a_collector_token_is_401(client: AsyncTestClient) -> None:
    r = await client.post(INGEST_PATH, content=encode_batch(batch()))
    assert r.status_code == 401


async def test_a_device_token_is_not_a_collector_token(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    h = await factory.headers(await factory.user(site, role="admin"))
    r = await client.post(INGEST_PATH, content=encode_batch(batch()), headers=h)
    assert r.status_code == 401


async def test_run_bit_changes_become_state_changes(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _post(
        client,
        token,
        encode_batch(batch(s("M1", "run_state", True, _at(0)), s("M1", "run_state", False, _at(60)))),
    )
    assert await _states(session) == [(0, "running", None), (60, "stopped", None)]
    current = await session.scalar(select(MachineCurrent))
    assert current is not None
    assert current.state == "stopped"


async def test_a_stop_carries_the_fault_code(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    body = batch(
        s("M1", "run_state", True, _at(0)),
        s("M1", "fault_code", 17, _at(59)),
        s("M1", "run_state", False, _at(60)),
    )
    await _post(client, token, encode_batch(body))
    assert await _states(session) == [(0, "running", None), (60, "stopped", 17)]


async def test_a_resent_batch_is_a_duplicate_and_counts_nothing_twice(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    b = batch(s("M1", "good_count", 100, _at(0)), s("M1", "good_count", 130, _at(10)))
    first = await _post(client, token, encode_batch(b))
    again = await _post(client, token, encode_batch(b))
    assert (first["accepted"], first["duplicate"]) == (2, False)
    assert (again["accepted"], again["duplicate"]) == (0, True)
    assert await session.scalar(select(func.sum(CountDelta.delta))) == 30


async def test_counter_rollover_counts_across_the_wrap(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _post(client, token, encode_batch(batch(s("M1", "good_count", 65530, _at(0)))))
    await _post(client, token, encode_batch(batch(s("M1", "good_count", 4, _at(10)))))
    assert await session.scalar(select(func.sum(CountDelta.delta))) == 10


async def test_a_glitch_shorter_than_the_debounce_is_not_a_stop(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _post(
        client,
        token,
        encode_batch(batch(s("M1", "run_state", True, _at(0)), s("M1", "run_state", False, _at(30)))),
    )
    await _post(client, token, encode_batch(batch(s("M1", "run_state", True, _at(30.5)))))
    assert await _states(session) == [(0, "running", None)]


async def test_a_late_batch_slots_into_the_history_in_time_order(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    early = batch(s("M1", "run_state", True, _at(0)), s("M1", "run_state", False, _at(100)))
    late = batch(s("M1", "run_state", True, _at(200)))
    await _post(client, token, encode_batch(late))
    await _post(client, token, encode_batch(early))
    assert await _states(session) == [(0, "running", None), (100, "stopped", None), (200, "running", None)]


async def test_a_stale_marker_makes_the_machine_unknown_not_stopped(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    body = batch(s("M1", "run_state", True, _at(0)), s("M1", "run_state", None, _at(50), quality="stale"))
    await _post(client, token, encode_batch(body))
    assert await _states(session) == [(0, "running", None), (50, "unknown", None)]


async def test_analog_values_are_stored_under_the_signal_name(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    await _post(client, token, encode_batch(batch(s("M1", "analog", 4.2, _at(0), tag="M1.vibration"))))
    row = await session.scalar(select(SignalValue))
    assert row is not None
    assert (row.signal, row.value) == ("vibration", 4.2)


async def test_msgpack_bodies_are_accepted(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    await factory.asset(site, code="M1")
    token = await collector_token(factory, site)
    s = SampleSeq()
    body = msgspec.msgpack.encode(batch(s("M1", "run_state", True, _at(0))))
    result = await _post(client, token, body, "application/msgpack")
    assert result["accepted"] == 1


async def test_a_collector_cannot_write_to_another_sites_machine(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    north = await factory.site()
    south = await factory.site()
    await factory.asset(south, code="M1")
    token = await collector_token(factory, north)
    s = SampleSeq()
    result = await _post(client, token, encode_batch(batch(s("M1", "run_state", True, _at(0)))))
    assert result["accepted"] == 0
    assert await _states(session) == []


async def test_a_malformed_batch_is_a_problem_naming_the_field(
    client: AsyncTestClient, factory: Factory
) -> None:
    site = await factory.site()
    token = await collector_token(factory, site)
    r = await client.post(
        INGEST_PATH, content=b'{"batch_id": "nope"}', headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "body"


async def test_a_revoked_collector_is_refused(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role="admin")
    h = await factory.headers(admin)
    created = (
        await client.post("/api/collectors/", json={"site_id": str(site.id), "name": "c1"}, headers=h)
    ).json()
    token = created["token"]
    assert (
        await client.delete(f"/api/collectors/{created['collector']['id']}", headers=h)
    ).status_code == 200
    r = await client.post(
        INGEST_PATH, content=encode_batch(batch()), headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 401
