"""Genealogy: traces through several levels, shipments, recall reports."""

from __future__ import annotations

from tests.integration.production.conftest import Floor


async def _make_pumps(floor: Floor, count: int = 4) -> str:
    """Run one order of pumps from H-1 and S-1; returns the pump lot id."""
    _order, op_id = await floor.running(quantity=count)
    await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_number": "H-1", "quantity": count})
    await floor.post(
        f"/api/production/operations/{op_id}/consume", {"lot_number": "S-1", "quantity": 2 * count}
    )
    await floor.post(f"/api/production/operations/{op_id}/counts", {"good": count})
    done = await floor.post(f"/api/production/operations/{op_id}/complete")
    return str(done.json()["operation"]["lot_id"])


async def test_traces_run_through_every_level_in_both_directions(floor: Floor) -> None:
    pump_lot = await _make_pumps(floor)
    skid = await floor.pf.product(floor.site, sku="SKID")
    await floor.pf.bom(floor.site, skid, (floor.pump, 2.0))
    await floor.pf.routing(floor.site, skid)
    order = await floor.pf.order(floor.site, skid, floor.line, quantity=2)
    op_id = await floor.pf.first_operation_id(order)
    skid_lot = (await floor.post(f"/api/production/operations/{op_id}/start")).json()["lot_id"]
    await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_id": pump_lot})
    backward = (await floor.get(f"/api/genealogy/lots/{skid_lot}/backward")).json()
    assert [(lot["number"], lot["depth"]) for lot in backward["lots"]] == [
        (backward["lots"][0]["number"], 1),
        ("H-1", 2),
        ("S-1", 2),
    ]
    assert backward["lots"][0]["id"] == pump_lot
    assert {o["number"] for o in backward["orders"]} == {order.number, backward["lots"][0]["order_number"]}
    forward = (await floor.get(f"/api/genealogy/lots/{floor.seal_lot.id}/forward")).json()
    assert [(lot["id"], lot["depth"]) for lot in forward["lots"]] == [(pump_lot, 1), (skid_lot, 2)]
    assert [o["number"] for o in forward["open_orders"]] == [order.number]


async def test_a_forward_trace_reaches_the_shipments_and_customers(floor: Floor) -> None:
    pump_lot = await _make_pumps(floor)
    body = {
        "site_id": str(floor.site.id),
        "number": "SH-1",
        "customer": "Acme Water",
        "lines": [{"lot_id": pump_lot}],
    }
    shipped = await floor.post("/api/genealogy/shipments/", body)
    assert shipped.status_code == 201, shipped.text
    forward = (await floor.get(f"/api/genealogy/lots/{floor.housing_lot.id}/forward")).json()
    assert [(s["number"], s["customer"], s["lot_id"], s["quantity"]) for s in forward["shipments"]] == [
        ("SH-1", "Acme Water", pump_lot, 4.0)
    ]
    assert [lot["number"] for lot in forward["on_hand"]] == ["H-1"]


async def test_a_held_lot_cannot_be_shipped(floor: Floor) -> None:
    pump_lot = await _make_pumps(floor)
    await floor.post(f"/api/quality/lots/{pump_lot}/hold", {"reason": "customer complaint"})
    body = {
        "site_id": str(floor.site.id),
        "number": "SH-2",
        "customer": "Acme",
        "lines": [{"lot_id": pump_lot}],
    }
    r = await floor.post("/api/genealogy/shipments/", body)
    assert r.status_code == 409
    assert (await floor.get("/api/genealogy/shipments/")).json() == []


async def test_the_recall_report_of_a_supplier_lot_lists_stock_orders_and_customers(floor: Floor) -> None:
    pump_lot = await _make_pumps(floor, count=4)
    body = {
        "site_id": str(floor.site.id),
        "number": "SH-3",
        "customer": "Acme Water",
        "lines": [{"lot_id": pump_lot, "quantity": 3}],
    }
    await floor.post("/api/genealogy/shipments/", body)
    open_order, op_id = await floor.running()
    await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_number": "S-1", "quantity": 2})
    report = (await floor.get("/api/genealogy/recall/?supplier_lot=SEALCO-1")).json()
    assert [lot["number"] for lot in report["source_lots"]] == ["S-1"]
    assert {lot["id"] for lot in report["on_hand"]} == {str(floor.seal_lot.id), pump_lot}
    assert report["on_hand_quantity"] == 100 - 8 - 2 + 1
    assert report["customers"] == ["Acme Water"]
    assert [o["number"] for o in report["open_orders"]] == [open_order.number]


async def test_a_recall_of_an_unknown_supplier_lot_is_a_404(floor: Floor) -> None:
    r = await floor.get("/api/genealogy/recall/?supplier_lot=NOPE")
    assert r.status_code == 404
