"""Bad input: a problem-details 4xx naming the field, and nothing changes."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from tests.factories import Factory


async def _count_assets(session: AsyncSession) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(Asset)) or 0)


async def test_unknown_fields_are_refused_by_name(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    h = await factory.headers(await factory.user(site, role="planner"))
    body = {"site_id": str(site.id), "level": "area", "code": "A1", "name": "A", "colour": "red"}
    r = await client.post("/api/assets/", json=body, headers=h)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"] == [{"field": "colour", "reason": "unknown field (not accepted)"}]
    assert await _count_assets(session) == 0


async def test_a_missing_field_is_named(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    h = await factory.headers(await factory.user(site, role="planner"))
    r = await client.post(
        "/api/assets/", json={"site_id": str(site.id), "level": "area", "code": "A1"}, headers=h
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "name"


async def test_a_wrongly_typed_field_is_named(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    h = await factory.headers(await factory.user(site, role="planner"))
    body = {"site_id": str(site.id), "level": "floor", "code": "A1", "name": "A"}
    r = await client.post("/api/assets/", json=body, headers=h)
    assert r.status_code == 400
    problem = r.json()
    assert problem["errors"][0]["field"] == "level"
    assert problem["status"] == 400
    assert problem["type"].endswith("/invalid-request")


async def test_malformed_json_is_a_400(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    h = await factory.headers(await factory.user(site, role="planner"))
    r = await client.post(
        "/api/assets/", content=b"{not json", headers={**h, "content-type": "application/json"}
    )
    assert r.status_code == 400


async def test_a_refused_move_changes_nothing(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    h = await factory.headers(await factory.user(site, role="planner"))
    machine = await factory.asset(site)
    before = machine.path
    r = await client.post(f"/api/assets/{machine.id}/move", json={"parent_id": str(machine.id)}, headers=h)
    assert r.status_code == 422
    assert await session.scalar(select(Asset.path).where(Asset.id == machine.id)) == before
