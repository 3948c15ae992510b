"""Login, tokens, devices and revocation."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.factories import PASSWORD, Factory


async def test_login_returns_a_device_token_that_authenticates(
    client: AsyncTestClient, factory: Factory
) -> None:
    site = await factory.site()
    await factory.user(site, username="alice")
    r = await client.post(
        "/api/auth/login",
        json={"username": "alice", "password": PASSWORD, "device_name": "Pixel 8", "device_kind": "phone"},
    )
    assert r.status_code == 200
    body = r.json()
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "alice"
    assert [s["id"] for s in body["sites"]] == [str(site.id)]


async def test_wrong_password_is_401_without_saying_which_part_was_wrong(
    client: AsyncTestClient, factory: Factory
) -> None:
    site = await factory.site()
    await factory.user(site, username="bob")
    wrong = await client.post("/api/auth/login", json={"username": "bob", "password": "nope"})
    unknown = await client.post("/api/auth/login", json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_login_is_rate_limited_per_username(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    await factory.user(site, username="carol")
    for _ in range(10):
        assert (
            await client.post("/api/auth/login", json={"username": "carol", "password": "x"})
        ).status_code == 401
    limited = await client.post("/api/auth/login", json={"username": "carol", "password": PASSWORD})
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "60"


async def test_every_api_endpoint_but_login_needs_a_token(client: AsyncTestClient) -> None:
    for path in ("/api/assets/", "/api/users/", "/api/devices/", "/api/sites/", "/api/auth/me"):
        r = await client.get(path)
        assert r.status_code == 401, path
        assert r.headers["content-type"].startswith("application/problem+json")


async def test_health_answers_without_a_token(client: AsyncTestClient) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


async def test_logout_revokes_only_this_device(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    user = await factory.user(site)
    phone = await factory.headers(user)
    tablet = await factory.headers(user)
    assert (await client.post("/api/auth/logout", headers=phone)).status_code == 204
    assert (await client.get("/api/auth/me", headers=phone)).status_code == 401
    assert (await client.get("/api/auth/me", headers=tablet)).status_code == 200


async def test_a_user_sees_and_revokes_their_devices(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    user = await factory.user(site)
    h = await factory.headers(user)
    other_token = await factory.token(user, name="old phone")
    devices = (await client.get("/api/devices/", headers=h)).json()
    assert sorted(d["name"] for d in devices) == ["old phone", "test device"]
    old = next(d for d in devices if d["name"] == "old phone")
    assert (await client.delete(f"/api/devices/{old['id']}", headers=h)).status_code == 200
    assert (
        await client.get("/api/auth/me", headers={"Authorization": f"Bearer {other_token}"})
    ).status_code == 401


async def test_another_users_device_is_not_found(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    alice = await factory.user(site)
    bob = await factory.user(site)
    await factory.token(bob, name="bob phone")
    bob_devices = (await client.get("/api/devices/", headers=await factory.headers(bob))).json()
    r = await client.delete(f"/api/devices/{bob_devices[0]['id']}", headers=await factory.headers(alice))
    assert r.status_code == 404


async def test_deactivating_a_user_stops_their_tokens(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    admin = await factory.user(site, role="admin")
    tech = await factory.user(site)
    tech_h = await factory.headers(tech)
    r = await client.patch(
        f"/api/users/{tech.id}", json={"active": False}, headers=await factory.headers(admin)
    )
    assert r.status_code == 200
    assert (await client.get("/api/auth/me", headers=tech_h)).status_code == 401


async def test_only_admins_create_users(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    planner = await factory.user(site, role="planner")
    admin = await factory.user(site, role="admin")
    payload = {
        "username": "newtech",
        "display_name": "New Tech",
        "password": "long enough password",
        "role": "technician",
        "site_ids": [str(site.id)],
    }
    assert (
        await client.post("/api/users/", json=payload, headers=await factory.headers(planner))
    ).status_code == 403
    created = await client.post("/api/users/", json=payload, headers=await factory.headers(admin))
    assert created.status_code == 201
    assert created.json()["site_ids"] == [str(site.id)]


async def test_an_admin_cannot_grant_a_site_they_cannot_see(
    client: AsyncTestClient, factory: Factory
) -> None:
    mine = await factory.site()
    theirs = await factory.site()
    admin = await factory.user(mine, role="admin")
    payload = {
        "username": "sneaky",
        "display_name": "Sneaky",
        "password": "long enough password",
        "role": "technician",
        "site_ids": [str(theirs.id)],
    }
    r = await client.post("/api/users/", json=payload, headers=await factory.headers(admin))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "site_ids"
