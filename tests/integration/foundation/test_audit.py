"""Every change of a domain record is in the audit trail, with secrets redacted."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.models import AuditEntry
from tests.factories import Factory


async def test_creating_an_asset_records_who_and_its_fields(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    planner = await factory.user(site, role="planner")
    body = {"site_id": str(site.id), "level": "area", "code": "HALL-1", "name": "Hall"}
    created = (await client.post("/api/assets/", json=body, headers=await factory.headers(planner))).json()
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.entity_id == created["id"]))
    assert entry is not None
    assert entry.action == "create"
    assert entry.actor_id == planner.id
    assert entry.site_id == site.id
    assert entry.changes["code"] == [None, "HALL-1"]


async def test_password_hashes_never_reach_the_audit_trail(
    client: AsyncTestClient, factory: Factory, session: AsyncSession
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role="admin")
    payload = {
        "username": "newbie",
        "display_name": "Newbie",
        "password": "a long password",
        "role": "operator",
        "site_ids": [str(site.id)],
    }
    created = (await client.post("/api/users/", json=payload, headers=await factory.headers(admin))).json()
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.entity_id == created["id"]))
    assert entry is not None
    assert entry.changes["password_hash"] == [None, "<redacted>"]


async def test_another_sites_audit_history_is_empty(client: AsyncTestClient, factory: Factory) -> None:
    north = await factory.site()
    south = await factory.site()
    machine = await factory.asset(south)
    tech = await factory.user(north)
    r = await client.get(f"/api/audit/assets/{machine.id}", headers=await factory.headers(tech))
    assert r.status_code == 200
    assert r.json() == []
