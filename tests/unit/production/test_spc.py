"""SPC arithmetic against hand-computed figures, and invariants over many inputs."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from backend.domain.quality import spc

SUBGROUPS = [
    [10.0, 10.2, 9.9, 10.1],
    [10.1, 10.0, 10.2, 10.3],
    [9.8, 10.0, 10.1, 9.9],
    [10.2, 10.1, 10.0, 10.1],
    [9.9, 10.0, 10.0, 10.1],
]


def test_xbar_r_of_five_subgroups_of_four_matches_the_hand_computation() -> None:
    chart = spc.xbar_r(SUBGROUPS, lsl=9.5, usl=10.5)
    # X̄ = 10.05, 10.15, 9.95, 10.10, 10.00 → X̄̄ = 50.25 / 5 = 10.05
    # R = 0.3, 0.3, 0.3, 0.2, 0.2 → R̄ = 1.3 / 5 = 0.26
    assert chart.means == pytest.approx((10.05, 10.15, 9.95, 10.10, 10.00))
    assert chart.ranges == pytest.approx((0.3, 0.3, 0.3, 0.2, 0.2))
    assert chart.xbar.center == pytest.approx(10.05)
    assert chart.r.center == pytest.approx(0.26)
    # UCL/LCL = 10.05 ± 0.729 × 0.26 = 10.05 ± 0.18954
    assert (chart.xbar.lcl, chart.xbar.ucl) == pytest.approx((9.86046, 10.23954))
    # R chart: D3 × R̄ = 0, D4 × R̄ = 2.282 × 0.26 = 0.59332
    assert (chart.r.lcl, chart.r.ucl) == pytest.approx((0.0, 0.59332))
    # σ = R̄ / d2 = 0.26 / 2.059; Cp = 1.0 / 6σ = 2.059 / 1.56; Cpk = 0.45 / 3σ = 0.45 × 2.059 / 0.78
    assert chart.capability.sigma == pytest.approx(0.26 / 2.059)
    assert chart.capability.cp == pytest.approx(1.3198718, abs=1e-6)
    assert chart.capability.cpk == pytest.approx(1.1878846, abs=1e-6)
    assert chart.out_of_control == ()


def test_individuals_chart_matches_the_hand_computation() -> None:
    chart = spc.individuals([10.0, 12.0, 11.0, 13.0, 9.0], lsl=5.0, usl=17.0)
    # x̄ = 11; MR = 2, 1, 2, 4 → MR̄ = 2.25; limits 11 ± 2.66 × 2.25 = 11 ± 5.985
    assert chart.moving_ranges == (2.0, 1.0, 2.0, 4.0)
    assert (chart.x.center, chart.x.lcl, chart.x.ucl) == pytest.approx((11.0, 5.015, 16.985))
    assert (chart.mr.center, chart.mr.ucl) == pytest.approx((2.25, 7.35075))
    # σ = 2.25 / 1.128; Cp = 12 / 6σ = 13.536 / 13.5; centred, so Cpk = Cp
    assert chart.capability.cp == pytest.approx(13.536 / 13.5)
    assert chart.capability.cpk == pytest.approx(13.536 / 13.5)


def test_a_point_beyond_the_limits_is_flagged() -> None:
    chart = spc.individuals([10.0, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0, 14.0])
    assert chart.out_of_control == (7,)


def test_with_one_specification_limit_only_cpk_exists() -> None:
    chart = spc.xbar_r(SUBGROUPS, usl=10.5)
    assert chart.capability.cp is None
    assert chart.capability.cpk == pytest.approx(1.1878846, abs=1e-6)


def test_no_spread_means_no_capability_index() -> None:
    chart = spc.xbar_r([[5.0, 5.0], [5.0, 5.0]], lsl=4.0, usl=6.0)
    assert (chart.capability.cp, chart.capability.cpk) == (None, None)


@pytest.mark.parametrize(
    ("groups", "reason"),
    [
        ([[1.0, 2.0]], "at least 2 subgroups"),
        ([[1.0, 2.0], [1.0, 2.0, 3.0]], "same size"),
        ([[1.0], [2.0]], "2 to 10"),
    ],
)
def test_charts_refuse_data_they_cannot_use(groups: list[list[float]], reason: str) -> None:
    with pytest.raises(spc.SpcError, match=reason):
        spc.xbar_r(groups)


values = st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False)


@st.composite
def subgroup_sets(draw: st.DrawFn) -> list[list[float]]:
    n = draw(st.integers(2, 10))
    k = draw(st.integers(2, 15))
    return [draw(st.lists(values, min_size=n, max_size=n)) for _ in range(k)]


@given(subgroup_sets())
def test_xbar_r_limits_bracket_their_centres(groups: list[list[float]]) -> None:
    chart = spc.xbar_r(groups)
    assert chart.xbar.lcl <= chart.xbar.center <= chart.xbar.ucl
    assert 0 <= chart.r.lcl <= chart.r.center <= chart.r.ucl


@given(subgroup_sets(), st.floats(min_value=-500, max_value=500, allow_nan=False))
def test_shifting_the_data_shifts_the_limits_and_keeps_the_spread(
    groups: list[list[float]], shift: float
) -> None:
    base = spc.xbar_r(groups, lsl=-2000.0, usl=2000.0)
    moved = spc.xbar_r([[v + shift for v in g] for g in groups], lsl=-2000.0 + shift, usl=2000.0 + shift)
    tol = 1e-6 * (1 + abs(shift) + max(abs(v) for g in groups for v in g))
    assert moved.xbar.center == pytest.approx(base.xbar.center + shift, abs=tol)
    assert moved.xbar.ucl == pytest.approx(base.xbar.ucl + shift, abs=tol)
    assert moved.r.center == pytest.approx(base.r.center, abs=tol)
    if base.capability.cp is not None and base.capability.sigma > 1e-3:
        assert moved.capability.cp == pytest.approx(base.capability.cp, rel=1e-6)


@given(subgroup_sets(), st.floats(min_value=0.5, max_value=10), st.floats(min_value=0.5, max_value=10))
def test_cpk_never_exceeds_cp(groups: list[list[float]], below: float, above: float) -> None:
    flat = [v for g in groups for v in g]
    chart = spc.xbar_r(groups, lsl=min(flat) - below, usl=max(flat) + above)
    assume(chart.capability.cp is not None and chart.capability.cpk is not None)
    assert chart.capability.cpk <= chart.capability.cp + 1e-9  # type: ignore[operator]


@given(st.lists(values, min_size=2, max_size=60))
def test_individuals_limits_are_three_sigma_from_the_mean(data: list[float]) -> None:
    chart = spc.individuals(data)
    sigma = chart.mr.center / spc.D2[2]
    assert math.isclose(chart.x.ucl - chart.x.center, spc.E2 * chart.mr.center, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(spc.E2, 3 / spc.D2[2], rel_tol=1e-3)
    assert chart.capability.sigma == pytest.approx(sigma)
