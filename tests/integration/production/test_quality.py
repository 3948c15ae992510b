"""Quality: due samples, the gate, nonconformances, defect Pareto and SPC through the API."""

from __future__ import annotations

from datetime import timedelta

from backend.domain.quality.rules import Frequency
from backend.lib.clock import FixedClock
from tests.factories.production import numeric, pass_fail
from tests.integration.production.conftest import Floor


async def _plan(floor: Floor, *characteristics: object) -> list[dict[str, object]]:
    for code in ("DIM", "VIS"):
        await floor.pf.defect_code(floor.site, code)
    await floor.pf.plan(floor.site, floor.pump, *characteristics)  # type: ignore[arg-type]
    plans = (await floor.get(f"/api/quality/plans?product_id={floor.pump.id}")).json()
    return list(plans[0]["characteristics"])


async def test_an_operation_cannot_complete_while_a_required_check_is_missing(floor: Floor) -> None:
    await _plan(floor, numeric(), pass_fail(required=False))
    _order, op_id = await floor.running()
    r = await floor.post(f"/api/production/operations/{op_id}/complete")
    assert r.status_code == 409
    assert [m["name"] for m in r.json()["missing"]] == ["Bore diameter"]
    assert r.json()["errors"] == [{"field": "checks.Bore diameter", "reason": "missing (1 of 1)"}]
    assert (await floor.get(f"/api/production/operations/{op_id}")).json()["status"] == "running"


async def test_every_n_units_samples_fall_due_as_units_are_counted(floor: Floor) -> None:
    await _plan(floor, numeric(frequency=Frequency.EVERY_N_UNITS, frequency_n=50))
    _order, op_id = await floor.running(quantity=200)
    due = []
    for good in (0, 1, 49, 1):
        if good:
            await floor.post(f"/api/production/operations/{op_id}/counts", {"good": good})
        due.append((await floor.get(f"/api/quality/operations/{op_id}/due")).json()[0]["due"])
    assert due == [0, 1, 1, 2]


async def test_every_n_minutes_samples_fall_due_with_running_time_not_pauses(
    floor: Floor, clock: FixedClock
) -> None:
    await _plan(floor, numeric(frequency=Frequency.EVERY_N_MINUTES, frequency_n=30))
    _order, op_id = await floor.running()
    clock.advance(timedelta(minutes=31))
    at_31 = (await floor.get(f"/api/quality/operations/{op_id}/due")).json()[0]["due"]
    await floor.post(f"/api/production/operations/{op_id}/pause", {"reason": "LUNCH"})
    clock.advance(timedelta(minutes=60))
    await floor.post(f"/api/production/operations/{op_id}/resume")
    after_pause = (await floor.get(f"/api/quality/operations/{op_id}/due")).json()[0]["due"]
    assert (at_31, after_pause) == (2, 2)


async def test_a_failed_check_is_refilled_by_the_check_after_rework(floor: Floor) -> None:
    [bore] = await _plan(floor, numeric())
    _order, op_id = await floor.running()
    for value in (25.2, 25.0):
        await floor.post(
            f"/api/quality/operations/{op_id}/checks", {"characteristic_id": bore["id"], "values": [value]}
        )
    due = (await floor.get(f"/api/quality/operations/{op_id}/due")).json()[0]
    assert (due["passed"], due["failed_slots"], due["missing_slots"]) == (1, [], [])
    checks = (await floor.get(f"/api/quality/operations/{op_id}/checks")).json()
    assert [(c["slot"], c["passed"], c["nonconformance_id"] is not None) for c in checks] == [
        (1, False, True),
        (1, True, False),
    ]


async def test_a_check_must_match_its_characteristic_kind(floor: Floor) -> None:
    [bore, visual] = await _plan(floor, numeric(subgroup_size=2), pass_fail())
    _order, op_id = await floor.running()
    wrong_count = await floor.post(
        f"/api/quality/operations/{op_id}/checks", {"characteristic_id": bore["id"], "values": [25.0]}
    )
    wrong_kind = await floor.post(
        f"/api/quality/operations/{op_id}/checks", {"characteristic_id": visual["id"], "values": [1.0]}
    )
    assert (wrong_count.status_code, wrong_count.json()["errors"][0]["field"]) == (422, "values")
    assert (wrong_kind.status_code, wrong_kind.json()["errors"][0]["field"]) == (422, "values")
    assert (await floor.get(f"/api/quality/operations/{op_id}/checks")).json() == []


async def test_a_quality_role_closes_a_nonconformance_with_a_disposition(floor: Floor) -> None:
    [_bore, visual] = await _plan(floor, numeric(required=False), pass_fail(hold_on_fail=False))
    _order, op_id = await floor.running()
    await floor.post(
        f"/api/quality/operations/{op_id}/checks", {"characteristic_id": visual["id"], "passed": False}
    )
    [nc] = (await floor.get("/api/quality/nonconformances?status=open")).json()
    assert nc["defect_code"] == "VIS"
    body = {"disposition": "rework", "note": "re-polished"}
    assert (await floor.post(f"/api/quality/nonconformances/{nc['id']}/close", body)).status_code == 403
    closed = await floor.post(f"/api/quality/nonconformances/{nc['id']}/close", body, as_="manager")
    assert (closed.json()["status"], closed.json()["disposition"]) == ("closed", "rework")


async def test_the_defect_pareto_ranks_scrap_by_code_with_cumulative_share(floor: Floor) -> None:
    for code in ("DENT", "BURR"):
        await floor.pf.defect_code(floor.site, code)
    _order, op_id = await floor.running(quantity=100)
    for code, scrap in (("SCRATCH", 2), ("DENT", 5), ("BURR", 3), ("DENT", 2)):
        await floor.post(f"/api/production/operations/{op_id}/counts", {"scrap": scrap, "defect_code": code})
    pareto = (await floor.get(f"/api/quality/pareto?site_id={floor.site.id}")).json()
    assert pareto["total"] == 12
    assert [(r["code"], r["count"], round(r["cumulative_percent"], 2)) for r in pareto["rows"]] == [
        ("DENT", 7, 58.33),
        ("BURR", 3, 83.33),
        ("SCRATCH", 2, 100.0),
    ]


async def test_spc_chart_of_checks_matches_the_hand_computed_limits(floor: Floor) -> None:
    [bore] = await _plan(floor, numeric(lower=9.5, upper=10.5, subgroup_size=4, required=False))
    _order, op_id = await floor.running()
    subgroups = [
        [10.0, 10.2, 9.9, 10.1],
        [10.1, 10.0, 10.2, 10.3],
        [9.8, 10.0, 10.1, 9.9],
        [10.2, 10.1, 10.0, 10.1],
        [9.9, 10.0, 10.0, 10.1],
    ]
    for values in subgroups:
        await floor.post(
            f"/api/quality/operations/{op_id}/checks", {"characteristic_id": bore["id"], "values": values}
        )
    chart = (await floor.get(f"/api/quality/characteristics/{bore['id']}/spc")).json()
    got = {k: round(chart[k], 5) for k in ("center", "ucl", "lcl", "range_center", "range_ucl", "cp", "cpk")}
    assert got == {
        "center": 10.05,
        "ucl": 10.23954,
        "lcl": 9.86046,
        "range_center": 0.26,
        "range_ucl": 0.59332,
        "cp": 1.31987,
        "cpk": 1.18788,
    }
    assert chart["chart"] == "xbar_r"
