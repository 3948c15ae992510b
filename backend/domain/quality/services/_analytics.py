"""Defect Pareto and SPC chart data."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.production.models import CountEvent, Product
from backend.domain.quality import spc
from backend.domain.quality.models import DefectCode, Nonconformance, QualityCheck
from backend.domain.quality.rules import UNCLASSIFIED, Kind, pareto
from backend.domain.quality.schemas import ParetoOut, ParetoRowOut, SpcOut, SpcPoint
from backend.domain.quality.services._plans import get_characteristic
from backend.lib.errors import ValidationFailed


async def defect_pareto(
    session: AsyncSession,
    *,
    source: Literal["scrap", "nonconformances"] = "scrap",
    site_id: uuid.UUID | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    line_id: uuid.UUID | None = None,
    family: str | None = None,
) -> ParetoOut:
    """Scrap units per defect code from the count ledger, or nonconformances per defect code."""
    if source == "scrap":
        code = func.coalesce(CountEvent.defect_code, UNCLASSIFIED)
        stmt = (
            select(code, func.sum(CountEvent.scrap))
            .outerjoin(Product, Product.id == CountEvent.product_id)
            .where(CountEvent.scrap > 0)
            .group_by(code)
        )
        at = CountEvent.at
        scoped = CountEvent
        if line_id is not None:
            stmt = stmt.where(CountEvent.line_id == line_id)
    else:
        stmt = (
            select(Nonconformance.defect_code, func.count())
            .join(Product, Product.id == Nonconformance.product_id)
            .group_by(Nonconformance.defect_code)
        )
        at = Nonconformance.opened_at
        scoped = Nonconformance  # type: ignore[assignment]
        if line_id is not None:
            raise ValidationFailed("line_id", "filter nonconformances by site, family and time")
    if site_id is not None:
        stmt = stmt.where(scoped.site_id == site_id)
    if start is not None:
        stmt = stmt.where(at >= start)
    if end is not None:
        stmt = stmt.where(at < end)
    if family is not None:
        stmt = stmt.where(Product.family == family)
    counts = {str(c): float(n or 0) for c, n in (await session.execute(stmt)).tuples()}
    names_stmt = select(DefectCode.code, DefectCode.name).where(DefectCode.code.in_(list(counts)))
    names: dict[str, str] = {}
    for code_, name in (await session.execute(names_stmt)).tuples():
        names[code_] = name
    rows = pareto(counts)
    return ParetoOut(
        source=source,
        total=sum(r.count for r in rows),
        rows=[
            ParetoRowOut(
                code=r.code,
                name=names.get(r.code),
                count=r.count,
                percent=r.percent,
                cumulative_percent=r.cumulative_percent,
            )
            for r in rows
        ],
    )


async def spc_chart(
    session: AsyncSession,
    characteristic_id: uuid.UUID,
    *,
    chart: Literal["xbar_r", "individuals"] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 100,
) -> SpcOut:
    """Chart data of a numeric characteristic from its last `limit` samples (oldest first).
    X̄–R uses the samples of the characteristic's subgroup size; individuals uses every value."""
    c = await get_characteristic(session, characteristic_id)
    if c.kind != Kind.NUMERIC:
        raise ValidationFailed("characteristic_id", "SPC needs a numeric characteristic")
    kind = chart or ("xbar_r" if c.subgroup_size >= 2 else "individuals")
    stmt = select(QualityCheck.taken_at, QualityCheck.measurements).where(
        QualityCheck.characteristic_id == c.id
    )
    if start is not None:
        stmt = stmt.where(QualityCheck.taken_at >= start)
    if end is not None:
        stmt = stmt.where(QualityCheck.taken_at < end)
    stmt = stmt.order_by(QualityCheck.taken_at.desc(), QualityCheck.id.desc()).limit(limit)
    samples = [
        (at, [float(v) for v in values])
        for at, values in reversed(list((await session.execute(stmt)).tuples()))
    ]
    try:
        if kind == "xbar_r":
            groups = [(at, vs) for at, vs in samples if len(vs) == c.subgroup_size]
            xr = spc.xbar_r([vs for _at, vs in groups], c.lower_limit, c.upper_limit)
            points = [
                SpcPoint(
                    index=i,
                    taken_at=at,
                    value=xr.means[i],
                    range=xr.ranges[i],
                    out_of_control=i in xr.out_of_control,
                )
                for i, (at, _vs) in enumerate(groups)
            ]
            center, lcl, ucl = xr.xbar.center, xr.xbar.lcl, xr.xbar.ucl
            rl, cap, n = xr.r, xr.capability, xr.n
        else:
            flat = [(at, v) for at, vs in samples for v in vs]
            ind = spc.individuals([v for _at, v in flat], c.lower_limit, c.upper_limit)
            points = [
                SpcPoint(
                    index=i,
                    taken_at=at,
                    value=v,
                    range=ind.moving_ranges[i - 1] if i else None,
                    out_of_control=i in ind.out_of_control,
                )
                for i, (at, v) in enumerate(flat)
            ]
            center, lcl, ucl = ind.x.center, ind.x.lcl, ind.x.ucl
            rl, cap, n = ind.mr, ind.capability, 1
    except spc.SpcError as exc:
        raise ValidationFailed("chart", str(exc)) from None
    return SpcOut(
        characteristic_id=c.id,
        name=c.name,
        unit=c.unit,
        chart=kind,
        subgroup_size=n,
        nominal=c.nominal,
        lower_spec=c.lower_limit,
        upper_spec=c.upper_limit,
        center=center,
        lcl=lcl,
        ucl=ucl,
        range_center=rl.center,
        range_lcl=rl.lcl,
        range_ucl=rl.ucl,
        sigma=cap.sigma,
        cp=cap.cp,
        cpk=cap.cpk,
        points=points,
    )
