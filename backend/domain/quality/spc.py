"""Statistical process control, pure: X̄–R and individuals (X–mR) charts, Cp and Cpk.

Constants are the standard control-chart factors for subgroup size n (e.g. Montgomery,
*Introduction to Statistical Quality Control*, Appendix VI):

    X̄ chart:  centre X̄̄,  limits X̄̄ ± A2·R̄          R chart: centre R̄, LCL = D3·R̄, UCL = D4·R̄
    X chart:   centre x̄,   limits x̄ ± E2·MR̄ (E2 = 3/d2(2) = 2.660)
    mR chart:  centre MR̄,  UCL = D4(2)·MR̄ = 3.267·MR̄, LCL = 0
    σ (within) = R̄/d2 (or MR̄/d2(2));  Cp = (USL − LSL)/6σ;  Cpk = min(USL − μ, μ − LSL)/3σ
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

A2 = {2: 1.880, 3: 1.023, 4: 0.729, 5: 0.577, 6: 0.483, 7: 0.419, 8: 0.373, 9: 0.337, 10: 0.308}
D3 = {2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.0, 7: 0.076, 8: 0.136, 9: 0.184, 10: 0.223}
D4 = {2: 3.267, 3: 2.574, 4: 2.282, 5: 2.114, 6: 2.004, 7: 1.924, 8: 1.864, 9: 1.816, 10: 1.777}
D2 = {2: 1.128, 3: 1.693, 4: 2.059, 5: 2.326, 6: 2.534, 7: 2.704, 8: 2.847, 9: 2.970, 10: 3.078}
E2 = 2.660
SUBGROUP_SIZES = range(2, 11)


class SpcError(ValueError):
    """The data cannot make this chart (too few points, mixed subgroup sizes…)."""


@dataclass(frozen=True)
class Limits:
    center: float
    lcl: float
    ucl: float

    def outside(self, value: float) -> bool:
        return value < self.lcl or value > self.ucl


@dataclass(frozen=True)
class Capability:
    sigma: float
    cp: float | None
    cpk: float | None


@dataclass(frozen=True)
class XbarRChart:
    n: int
    means: tuple[float, ...]
    ranges: tuple[float, ...]
    xbar: Limits
    r: Limits
    capability: Capability
    out_of_control: tuple[int, ...]


@dataclass(frozen=True)
class IndividualsChart:
    values: tuple[float, ...]
    moving_ranges: tuple[float, ...]
    x: Limits
    mr: Limits
    capability: Capability
    out_of_control: tuple[int, ...]


def capability(mean: float, sigma: float, lsl: float | None, usl: float | None) -> Capability:
    """Cp needs both specification limits; Cpk uses the nearer one (or the only one given).
    Without spread (σ = 0) neither index exists."""
    if sigma <= 0:
        return Capability(sigma, None, None)
    cp = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
    sides = [(usl - mean) / (3 * sigma)] if usl is not None else []
    if lsl is not None:
        sides.append((mean - lsl) / (3 * sigma))
    return Capability(sigma, cp, min(sides) if sides else None)


def xbar_r(
    subgroups: Sequence[Sequence[float]], lsl: float | None = None, usl: float | None = None
) -> XbarRChart:
    if len(subgroups) < 2:
        raise SpcError("an X̄–R chart needs at least 2 subgroups")
    sizes = {len(g) for g in subgroups}
    if len(sizes) != 1:
        raise SpcError("all subgroups must have the same size")
    n = sizes.pop()
    if n not in SUBGROUP_SIZES:
        raise SpcError("subgroups must have 2 to 10 measurements")
    means = tuple(sum(g) / n for g in subgroups)
    ranges = tuple(max(g) - min(g) for g in subgroups)
    grand = sum(means) / len(means)
    rbar = sum(ranges) / len(ranges)
    xl = Limits(grand, grand - A2[n] * rbar, grand + A2[n] * rbar)
    rl = Limits(rbar, D3[n] * rbar, D4[n] * rbar)
    ooc = tuple(i for i in range(len(means)) if xl.outside(means[i]) or rl.outside(ranges[i]))
    return XbarRChart(n, means, ranges, xl, rl, capability(grand, rbar / D2[n], lsl, usl), ooc)


def individuals(
    values: Sequence[float], lsl: float | None = None, usl: float | None = None
) -> IndividualsChart:
    if len(values) < 2:
        raise SpcError("an individuals chart needs at least 2 values")
    mrs = tuple(abs(values[i] - values[i - 1]) for i in range(1, len(values)))
    mean = sum(values) / len(values)
    mrbar = sum(mrs) / len(mrs)
    xl = Limits(mean, mean - E2 * mrbar, mean + E2 * mrbar)
    ml = Limits(mrbar, 0.0, D4[2] * mrbar)
    ooc = tuple(i for i, v in enumerate(values) if xl.outside(v))
    return IndividualsChart(tuple(values), mrs, xl, ml, capability(mean, mrbar / D2[2], lsl, usl), ooc)
