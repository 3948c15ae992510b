"""Site scoping: records of sites a user may not see do not exist for them."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.factories import Factory


async def test_assets_of_another_site_are_404_not_403(client: AsyncTestClient, factory: Factory) -> None:
    north = await factory.site()
    south = await factory.site()
    tech = await factory.user(north)
    south_machine = await factory.asset(south)
    h = await factory.headers(tech)
    for path in ("", "/label.png", "/label.svg", "/subtree", "/labels.svg"):
        r = await client.get(f"/api/assets/{south_machine.id}{path}", headers=h)
        assert r.status_code == 404, path


async def test_asset_list_holds_only_the_users_sites(client: AsyncTestClient, factory: Factory) -> None:
    north = await factory.site()
    south = await factory.site()
    tech = await factory.user(north)
    mine = await factory.asset(north, level="area")
    await factory.asset(south, level="area")
    r = await client.get("/api/assets/", headers=await factory.headers(tech))
    assert [a["id"] for a in r.json()] == [str(mine.id)]


async def test_a_label_of_another_site_does_not_resolve(client: AsyncTestClient, factory: Factory) -> None:
    north = await factory.site()
    south = await factory.site()
    tech = await factory.user(north)
    south_machine = await factory.asset(south)
    r = await client.get(
        f"/api/assets/by-label/{south_machine.label_token}", headers=await factory.headers(tech)
    )
    assert r.status_code == 404


async def test_a_user_of_both_sites_sees_both(client: AsyncTestClient, factory: Factory) -> None:
    north = await factory.site()
    south = await factory.site()
    manager = await factory.user(north, south, role="manager")
    await factory.asset(north, level="area")
    await factory.asset(south, level="area")
    r = await client.get("/api/assets/", headers=await factory.headers(manager))
    assert len(r.json()) == 2


async def test_users_of_other_sites_are_not_listed(client: AsyncTestClient, factory: Factory) -> None:
    north = await factory.site()
    south = await factory.site()
    alice = await factory.user(north)
    bob = await factory.user(south)
    listed = (await client.get("/api/users/", headers=await factory.headers(alice))).json()
    assert str(bob.id) not in {u["id"] for u in listed}
    assert (await client.get(f"/api/users/{bob.id}", headers=await factory.headers(alice))).status_code == 404
