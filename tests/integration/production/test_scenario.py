"""The issue's end-to-end scenario: release → run → consume → count → gate → rework → trace."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.factories import Factory
from tests.factories.production import ProductionFactory, numeric


async def test_release_run_gate_rework_complete_and_trace_both_ways(
    client: AsyncTestClient, factory: Factory, pf: ProductionFactory
) -> None:
    site = await factory.site()
    planner = await factory.headers(await factory.user(site, role="planner"))
    operator = await factory.headers(await factory.user(site, role="operator"))
    housing = await pf.product(site, sku="HOUSING", purchased=True)
    seal = await pf.product(site, sku="SEAL", purchased=True)
    pump = await pf.product(site, sku="PUMP")
    await pf.bom(site, pump, (housing, 1.0), (seal, 2.0))
    line = await pf.line(site)
    await pf.routing(site, pump, (10, "Assemble", line, 20.0))
    await pf.defect_code(site, "DIM")
    await pf.defect_code(site, "SCRATCH")
    await pf.plan(site, pump, numeric("Bore diameter", defect_code="DIM"))
    housing_lot = await pf.supplier_lot(site, housing, number="H-1", quantity=10, supplier_lot="ACME-77")
    seal_lot = await pf.supplier_lot(site, seal, number="S-1", quantity=20, supplier_lot="SEALCO-3")
    order = await pf.order(site, pump, line, quantity=10, release=False)

    released = await client.post(f"/api/production/orders/{order.id}/release", headers=planner)
    assert released.json()["status"] == "released"
    queue = (await client.get(f"/api/production/lines/{line.id}/queue", headers=operator)).json()
    op_id = queue[0]["operation"]["id"]
    started = await client.post(f"/api/production/operations/{op_id}/start", headers=operator)
    assert started.json()["status"] == "running"
    pump_lot_id = started.json()["lot_id"]
    for number in ("H-1", "S-1"):
        r = await client.post(
            f"/api/production/operations/{op_id}/consume", json={"lot_number": number}, headers=operator
        )
        assert r.status_code == 201, r.text
    counted = await client.post(
        f"/api/production/operations/{op_id}/counts",
        json={"good": 9, "scrap": 1, "defect_code": "SCRATCH"},
        headers=operator,
    )
    assert (counted.json()["good"], counted.json()["scrap"]) == (9, 1)
    characteristic = (await client.get(f"/api/quality/plans?product_id={pump.id}", headers=operator)).json()[
        0
    ]["characteristics"][0]
    failed = await client.post(
        f"/api/quality/operations/{op_id}/checks",
        json={"characteristic_id": characteristic["id"], "values": [25.2]},
        headers=operator,
    )
    assert failed.json()["passed"] is False

    blocked = await client.post(f"/api/production/operations/{op_id}/complete", headers=operator)
    assert blocked.status_code == 409
    assert [f["name"] for f in blocked.json()["failed"]] == ["Bore diameter"]
    ncs = (await client.get(f"/api/quality/nonconformances?operation_id={op_id}", headers=operator)).json()
    assert [(nc["defect_code"], nc["status"], nc["lot_id"]) for nc in ncs] == [("DIM", "open", pump_lot_id)]
    assert (await client.get(f"/api/genealogy/lots/{pump_lot_id}", headers=operator)).json()[
        "on_hold"
    ] is True

    reworked = await client.post(
        f"/api/quality/operations/{op_id}/checks",
        json={"characteristic_id": characteristic["id"], "values": [25.01]},
        headers=operator,
    )
    assert reworked.json()["passed"] is True
    done = await client.post(f"/api/production/operations/{op_id}/complete", headers=operator)
    assert done.status_code == 200, done.text
    assert done.json()["order_status"] == "completed"
    assert done.json()["warnings"] == []

    backward = (await client.get(f"/api/genealogy/lots/{pump_lot_id}/backward", headers=operator)).json()
    assert {lot["number"] for lot in backward["lots"]} == {"H-1", "S-1"}
    assert {(s["supplier_lot"]) for s in backward["suppliers"]} == {"ACME-77", "SEALCO-3"}
    for source in (housing_lot, seal_lot):
        forward = (await client.get(f"/api/genealogy/lots/{source.id}/forward", headers=operator)).json()
        assert [lot["id"] for lot in forward["lots"]] == [pump_lot_id]
