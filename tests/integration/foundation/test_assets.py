"""The asset register: hierarchy rules, edits, moves without cycles, retirement, search, subtrees."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from backend.domain.people.models import Site, User
from tests.factories import Factory


async def _planner(factory: Factory) -> tuple[Site, User, dict[str, str]]:
    site = await factory.site()
    planner = await factory.user(site, role="planner")
    return site, planner, await factory.headers(planner)


async def test_a_planner_builds_the_hierarchy_area_line_machine_component(
    client: AsyncTestClient, factory: Factory
) -> None:
    site, _, h = await _planner(factory)
    parent = None
    for level in ("area", "line", "machine", "component"):
        body = {"site_id": str(site.id), "level": level, "code": f"C-{level}", "name": level.title()}
        if parent:
            body["parent_id"] = parent
        r = await client.post("/api/assets/", json=body, headers=h)
        assert r.status_code == 201, r.text
        parent = r.json()["id"]
    tree = (await client.get(f"/api/assets/tree?site_id={site.id}", headers=h)).json()
    assert tree[0]["code"] == "C-area"
    assert tree[0]["children"][0]["children"][0]["children"][0]["code"] == "C-component"


async def test_a_machine_cannot_sit_directly_on_the_site(client: AsyncTestClient, factory: Factory) -> None:
    site, _, h = await _planner(factory)
    r = await client.post(
        "/api/assets/",
        json={"site_id": str(site.id), "level": "machine", "code": "M1", "name": "M"},
        headers=h,
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "level", "reason": "a machine cannot sit directly under the site"}
    ]


async def test_codes_are_unique_per_site_but_may_repeat_across_sites(
    client: AsyncTestClient, factory: Factory
) -> None:
    north = await factory.site()
    south = await factory.site()
    manager = await factory.user(north, south, role="manager")
    h = await factory.headers(manager)
    for site in (north, south):
        body = {"site_id": str(site.id), "level": "area", "code": "HALL", "name": "Hall"}
        assert (await client.post("/api/assets/", json=body, headers=h)).status_code == 201
    again = {"site_id": str(north.id), "level": "area", "code": "HALL", "name": "Hall again"}
    r = await client.post("/api/assets/", json=again, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "code"


async def test_technicians_cannot_create_assets(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    tech = await factory.user(site, role="technician")
    body = {"site_id": str(site.id), "level": "area", "code": "A", "name": "A"}
    r = await client.post("/api/assets/", json=body, headers=await factory.headers(tech))
    assert r.status_code == 403


async def test_rename_records_old_and_new_in_the_audit_trail(
    client: AsyncTestClient, factory: Factory
) -> None:
    site, planner, h = await _planner(factory)
    machine = await factory.asset(site, name="Old name")
    r = await client.patch(f"/api/assets/{machine.id}", json={"name": "New name"}, headers=h)
    assert r.status_code == 200
    assert r.json()["name"] == "New name"
    history = (await client.get(f"/api/audit/assets/{machine.id}", headers=h)).json()
    assert history[0]["action"] == "create"
    assert history[-1]["action"] == "update"
    assert history[-1]["changes"] == {"name": ["Old name", "New name"]}
    assert history[-1]["actor_id"] == str(planner.id)


async def test_moving_an_asset_under_its_own_descendant_is_refused(
    client: AsyncTestClient, factory: Factory
) -> None:
    site, _, h = await _planner(factory)
    machine = await factory.asset(site)
    component = await factory.asset(site, level="component", parent=machine)
    r = await client.post(f"/api/assets/{machine.id}/move", json={"parent_id": str(component.id)}, headers=h)
    assert r.status_code == 422
    assert "descendants" in r.json()["errors"][0]["reason"]
    assert (await client.get(f"/api/assets/{machine.id}", headers=h)).json()["parent_id"] == str(
        machine.parent_id
    )


async def test_moving_a_machine_carries_its_subtree(client: AsyncTestClient, factory: Factory) -> None:
    site, _, h = await _planner(factory)
    machine = await factory.asset(site)
    component = await factory.asset(site, level="component", parent=machine)
    other_line = await factory.asset(site, level="line")
    r = await client.post(f"/api/assets/{machine.id}/move", json={"parent_id": str(other_line.id)}, headers=h)
    assert r.status_code == 200
    subtree = (await client.get(f"/api/assets/{other_line.id}/subtree", headers=h)).json()
    assert [a["id"] for a in subtree] == [str(other_line.id), str(machine.id), str(component.id)]


async def test_retiring_hides_the_subtree_from_lists_but_keeps_it(
    client: AsyncTestClient, factory: Factory
) -> None:
    site, _, h = await _planner(factory)
    machine = await factory.asset(site)
    component = await factory.asset(site, level="component", parent=machine)
    assert (await client.post(f"/api/assets/{machine.id}/retire", headers=h)).status_code == 200
    listed = {a["id"] for a in (await client.get("/api/assets/", headers=h)).json()}
    assert str(machine.id) not in listed
    assert str(component.id) not in listed
    kept = (await client.get(f"/api/assets/{component.id}", headers=h)).json()
    assert kept["status"] == "retired"
    assert kept["retired_at"] is not None


async def test_search_matches_code_or_name_case_insensitively(
    client: AsyncTestClient, factory: Factory
) -> None:
    site, _, h = await _planner(factory)
    await factory.asset(site, code="CNC-7", name="Mill seven")
    await factory.asset(site, code="LAT-1", name="Lathe")
    by_code = (await client.get("/api/assets/?q=cnc", headers=h)).json()
    by_name = (await client.get("/api/assets/?q=LATHE", headers=h)).json()
    assert [a["code"] for a in by_code] == ["CNC-7"]
    assert [a["code"] for a in by_name] == ["LAT-1"]


async def test_subtree_filter_lists_only_descendants(client: AsyncTestClient, factory: Factory) -> None:
    site, _, h = await _planner(factory)
    line = await factory.asset(site, level="line")
    inside = await factory.asset(site, parent=line)
    await factory.asset(site)
    r = (await client.get(f"/api/assets/?under={line.id}&level=machine", headers=h)).json()
    assert [a["id"] for a in r] == [str(inside.id)]
