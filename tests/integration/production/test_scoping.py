"""Site scoping: another site's production records do not exist for the caller."""

from __future__ import annotations

from tests.factories import Factory
from tests.integration.production.conftest import Floor


async def test_another_sites_order_operation_and_lot_are_404(floor: Floor, factory: Factory) -> None:
    order, op_id = await floor.running()
    south = await factory.site()
    outsider = await factory.headers(await factory.user(south, role="manager"))
    lot_id = (await floor.get(f"/api/production/operations/{op_id}")).json()["lot_id"]
    for method, path in (
        ("get", f"/api/production/orders/{order.id}"),
        ("post", f"/api/production/orders/{order.id}/cancel"),
        ("post", f"/api/production/operations/{op_id}/pause"),
        ("get", f"/api/genealogy/lots/{lot_id}/backward"),
        ("post", f"/api/quality/lots/{lot_id}/release"),
        ("get", f"/api/production/lines/{floor.line.id}/queue"),
    ):
        body = {"reason": "x"} if "cancel" in path or "pause" in path else {"note": "x"}
        r = await (
            floor.client.get(path, headers=outsider)
            if method == "get"
            else floor.client.post(path, json=body, headers=outsider)
        )
        assert r.status_code == 404, path
    assert (await floor.client.get("/api/production/orders/", headers=outsider)).json() == []


async def test_a_trace_shows_only_lots_of_the_callers_sites(floor: Floor, factory: Factory) -> None:
    south = await factory.site()
    both = await factory.headers(await factory.user(floor.site, south, role="manager"))
    south_only = await factory.headers(await factory.user(south, role="manager"))
    south_pump = await floor.pf.product(south, sku="PUMP")
    south_lot = await floor.pf.supplier_lot(south, south_pump, number="X-1", supplier_lot="ACME-1")
    seen_by_both = (await floor.client.get("/api/genealogy/recall/?supplier_lot=ACME-1", headers=both)).json()
    seen_by_south = (
        await floor.client.get("/api/genealogy/recall/?supplier_lot=ACME-1", headers=south_only)
    ).json()
    assert {lot["number"] for lot in seen_by_both["source_lots"]} == {"H-1", "X-1"}
    assert [lot["id"] for lot in seen_by_south["source_lots"]] == [str(south_lot.id)]


async def test_an_order_cannot_name_a_line_of_another_site(floor: Floor, factory: Factory) -> None:
    south = await factory.site()
    south_line = await floor.pf.line(south)
    body = {
        "product_id": str(floor.pump.id),
        "quantity": 5,
        "due_date": "2026-03-10",
        "line_id": str(south_line.id),
    }
    r = await floor.post("/api/production/orders/", body, as_="planner")
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "line_id", "reason": "no such asset"}]
