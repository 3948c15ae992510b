"""Demo machine settings: thresholds and ideal cycle times for every demo machine, so the
simulated plant's stops become events and tickets and its OEE has a performance figure."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.machines.models import MachineSettings
from backend.domain.people.models import Site

ORDER = 50

# Seconds per part; the simulated machines make one part every 2 s while they run.
IDEAL_CYCLE_S = {"cnc-mill": 1.8, "cnc-lathe": 1.7, "injection-moulder": 1.9, "press": 1.6, "packer": 1.5}
DEFAULT_IDEAL_CYCLE_S = 1.8


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    site_ids = [s.id for s in sites_by_code.values()]
    machines = await session.execute(
        select(Asset).where(Asset.site_id.in_(site_ids), Asset.level == "machine").order_by(Asset.code)
    )
    for machine in machines.scalars():
        session.add(
            MachineSettings(
                site_id=machine.site_id,
                asset_id=machine.id,
                debounce_s=2.0,
                micro_stop_s=60.0,
                ticket_after_s=300.0,
                counter_max=2_147_483_647,
                ideal_cycle_s=IDEAL_CYCLE_S.get(machine.asset_class or "", DEFAULT_IDEAL_CYCLE_S),
            )
        )
    await session.flush()
