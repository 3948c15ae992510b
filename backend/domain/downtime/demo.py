"""Demo reason trees: on every demo site, machine / material / people / method with a few
reasons each, for operators to classify the stops that have no work order."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.downtime.models import DowntimeReason
from backend.domain.people.models import Site

ORDER = 50

TREE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "machine": (
        "Machine",
        (
            ("machine.jam", "Jam"),
            ("machine.tooling", "Tool wear or breakage"),
            ("machine.sensor", "Sensor fault"),
        ),
    ),
    "material": (
        "Material",
        (("material.shortage", "Material shortage"), ("material.quality", "Material out of specification")),
    ),
    "people": (
        "People",
        (("people.no-operator", "No operator at the line"), ("people.training", "Training")),
    ),
    "method": (
        "Method",
        (("method.changeover", "Changeover overrun"), ("method.waiting-qc", "Waiting for quality release")),
    ),
}


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    for site in sites_by_code.values():
        for category, (label, children) in TREE.items():
            parent = DowntimeReason(site_id=site.id, code=category, label=label, category=category)
            session.add(parent)
            await session.flush()
            for code, child_label in children:
                session.add(
                    DowntimeReason(
                        site_id=site.id, code=code, label=child_label, category=category, parent_id=parent.id
                    )
                )
    await session.flush()
