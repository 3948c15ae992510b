"""OEE for 100 machines over one year of state intervals, against reading the same rows bare.

value: seconds to compute weekly OEE (with loss trees) for a site of 100 machines over a year.
baseline: seconds to read the same state-change and count rows with one query each, no logic.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text

from backend.db import migrate
from backend.db.engine import make_engine, make_sessionmaker
from backend.db.registry import import_all_models
from backend.domain.assets.models import Asset
from backend.domain.machines.models import CountDelta, MachineSettings, MachineStateChange
from backend.domain.oee import services
from backend.domain.oee.models import ShiftPattern
from backend.domain.people.models import Enterprise, Site
from backend.lib.ids import uuid7
from bench._common import best_of, emit

MACHINES = 100
START = datetime(2025, 1, 6, tzinfo=UTC)
END = START + timedelta(days=364)


def _machine_history(
    rng: random.Random, asset_id: uuid.UUID, site_id: uuid.UUID
) -> tuple[list[dict], list[dict]]:
    changes: list[dict] = []
    t = START
    while t < END:
        changes.append({"id": uuid7(), "site_id": site_id, "asset_id": asset_id, "at": t, "state": "running"})
        t += timedelta(minutes=rng.expovariate(1 / 50))
        if t >= END:
            break
        changes.append({"id": uuid7(), "site_id": site_id, "asset_id": asset_id, "at": t, "state": "stopped"})
        t += timedelta(seconds=rng.choice([40, 60, 90, 600, 1200, 2400]))
    counts = [
        {
            "id": uuid7(),
            "site_id": site_id,
            "asset_id": asset_id,
            "role": role,
            "delta": rng.randint(400, 550) if role == "good_count" else rng.randint(0, 12),
            "at": START + timedelta(hours=h),
            "source": f"bench:{asset_id}",
            "seq": h,
        }
        for h in range(0, 364 * 24)
        for role in ("good_count", "scrap_count")
    ]
    return changes, counts


async def main() -> None:
    import_all_models()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'oee.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        engine = make_engine(url)
        maker = make_sessionmaker(engine)
        rng = random.Random(7)
        t0 = time.perf_counter()
        async with maker() as session:
            session.info["audit_off"] = True
            ent = Enterprise(name="Bench")
            session.add(ent)
            await session.flush()
            site = Site(enterprise_id=ent.id, code="BENCH", name="Bench", timezone="UTC")
            session.add(site)
            await session.flush()
            area = Asset(site_id=site.id, path="", level="area", code="A", name="A", label_token="a")
            area.id = uuid7()
            area.path = f"/{area.id}/"
            line = Asset(
                site_id=site.id, level="line", code="L", name="L", label_token="l", parent_id=area.id
            )
            line.id = uuid7()
            line.path = f"{area.path}{line.id}/"
            session.add_all([area, line])
            session.add(
                ShiftPattern(
                    site_id=site.id,
                    name="Day",
                    weekdays=[0, 1, 2, 3, 4],
                    start_time=datetime.min.time(),
                    hours=24,
                    breaks=[],
                )
            )
            machine_ids = []
            for i in range(MACHINES):
                m = Asset(
                    site_id=site.id,
                    level="machine",
                    code=f"M{i:03}",
                    name=f"M{i}",
                    label_token=f"m{i}",
                    parent_id=line.id,
                )
                m.id = uuid7()
                m.path = f"{line.path}{m.id}/"
                session.add(m)
                session.add(MachineSettings(site_id=site.id, asset_id=m.id, ideal_cycle_s=6.0))
                machine_ids.append(m.id)
            await session.commit()
            rows_changes = rows_counts = 0
            for mid in machine_ids:
                changes, counts = _machine_history(rng, mid, site.id)
                await session.execute(insert(MachineStateChange), changes)
                await session.execute(insert(CountDelta), counts)
                rows_changes += len(changes)
                rows_counts += len(counts)
            await session.commit()
            await session.execute(text("ANALYZE"))
        print(
            f"# generated {rows_changes:,} state changes and {rows_counts:,} count deltas in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )

        async def baseline() -> None:
            async with maker() as session:
                await session.execute(
                    select(
                        MachineStateChange.asset_id, MachineStateChange.at, MachineStateChange.state
                    ).where(MachineStateChange.at >= START, MachineStateChange.at < END)
                )
                (
                    await session.execute(
                        select(CountDelta.asset_id, CountDelta.at, CountDelta.role, CountDelta.delta).where(
                            CountDelta.at >= START, CountDelta.at < END
                        )
                    )
                ).all()

        async def oee() -> None:
            async with maker() as session:
                figures = await services.figures(
                    session, asset_id=None, site_id=site.id, start=START, end=END, by="week", now=END
                )
                assert len(figures) == 52
                assert figures[10].oee is not None

        base = await best_of(3, baseline)
        value = await best_of(3, oee)
        emit(
            "oee.year_100_machines_weekly",
            value,
            base,
            "s",
            "<= 5",
            state_changes=rows_changes,
            count_rows=rows_counts,
        )
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
