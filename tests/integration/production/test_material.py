"""Material consumption: lots scanned into an operation, BOM warnings, holds and quantities."""

from __future__ import annotations

from tests.integration.production.conftest import Floor


async def test_a_held_lot_cannot_be_consumed_until_a_quality_role_releases_it(floor: Floor) -> None:
    hold = await floor.post(f"/api/quality/lots/{floor.seal_lot.id}/hold", {"reason": "supplier alert"})
    assert hold.status_code == 201
    _order, op_id = await floor.running()
    refused = await floor.post(
        f"/api/production/operations/{op_id}/consume", {"lot_id": str(floor.seal_lot.id)}
    )
    assert refused.status_code == 409
    assert "on hold" in refused.json()["detail"]
    by_operator = await floor.post(f"/api/quality/lots/{floor.seal_lot.id}/release", {"note": "ok"})
    assert by_operator.status_code == 403
    released = await floor.post(
        f"/api/quality/lots/{floor.seal_lot.id}/release", {"note": "8D closed"}, as_="manager"
    )
    assert released.status_code == 200
    again = await floor.post(
        f"/api/production/operations/{op_id}/consume", {"lot_id": str(floor.seal_lot.id)}
    )
    assert again.status_code == 201


async def test_a_lot_held_by_a_failed_check_blocks_a_later_order(floor: Floor) -> None:
    await floor.pf.defect_code(floor.site, "DIM")
    await floor.pf.plan(floor.site, floor.pump)
    _order, op_id = await floor.running()
    plan = (await floor.get(f"/api/quality/plans?product_id={floor.pump.id}")).json()[0]
    check = {"characteristic_id": plan["characteristics"][0]["id"], "values": [30.0]}
    failed = (await floor.post(f"/api/quality/operations/{op_id}/checks", check)).json()
    assert failed["lot_on_hold"] is True
    lot_id = (await floor.get(f"/api/production/operations/{op_id}")).json()["lot_id"]
    crate = await floor.pf.product(floor.site, sku="CRATE")
    await floor.pf.routing(floor.site, crate)
    later = await floor.pf.order(floor.site, crate, floor.line)
    await floor.post(f"/api/production/operations/{op_id}/pause", {"reason": "QUALITY"})
    later_op = await floor.pf.first_operation_id(later)
    await floor.post(f"/api/production/operations/{later_op}/start")
    r = await floor.post(f"/api/production/operations/{later_op}/consume", {"lot_id": lot_id, "quantity": 1})
    assert r.status_code == 409


async def test_consumption_more_than_on_hand_is_refused_and_changes_nothing(floor: Floor) -> None:
    _order, op_id = await floor.running()
    r = await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_number": "H-1", "quantity": 51})
    assert r.status_code == 409
    lot = (await floor.get(f"/api/genealogy/lots/{floor.housing_lot.id}")).json()
    assert lot["quantity_on_hand"] == 50.0
    assert (await floor.get(f"/api/production/operations/{op_id}/material")).json()["consumptions"] == []


async def test_completing_with_material_off_the_bom_returns_a_warning_not_an_error(floor: Floor) -> None:
    _order, op_id = await floor.running()
    await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_number": "H-1", "quantity": 10})
    await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_number": "S-1", "quantity": 15})
    await floor.post(f"/api/production/operations/{op_id}/counts", {"good": 10})
    done = await floor.post(f"/api/production/operations/{op_id}/complete")
    assert done.status_code == 200
    assert [(w["code"], w["sku"], w["expected"], w["consumed"]) for w in done.json()["warnings"]] == [
        ("bom_mismatch", "SEAL", 20.0, 15.0)
    ]
    assert "less than the BOM's 20" in done.json()["warnings"][0]["message"]


async def test_counting_past_the_consumed_material_warns_of_a_shortage(floor: Floor) -> None:
    _order, op_id = await floor.running()
    await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_number": "H-1", "quantity": 10})
    await floor.post(f"/api/production/operations/{op_id}/consume", {"lot_number": "S-1", "quantity": 20})
    r = await floor.post(f"/api/production/operations/{op_id}/counts", {"good": 12})
    assert [(w["code"], w["sku"]) for w in r.json()["warnings"]] == [
        ("material_short", "HOUSING"),
        ("material_short", "SEAL"),
    ]


async def test_consuming_a_product_not_in_the_bom_warns(floor: Floor) -> None:
    glue = await floor.pf.product(floor.site, sku="GLUE", purchased=True)
    await floor.pf.supplier_lot(floor.site, glue, number="G-1", quantity=5)
    _order, op_id = await floor.running()
    r = await floor.post(
        f"/api/production/operations/{op_id}/consume", {"lot_number": "G-1", "method": "pick"}
    )
    assert r.status_code == 201
    assert [w["code"] for w in r.json()["warnings"]] == ["not_in_bom"]
    assert r.json()["consumption"]["quantity"] == 5.0
