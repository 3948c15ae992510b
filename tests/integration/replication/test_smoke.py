from __future__ import annotations

from tests.integration.replication.conftest import Plant


async def test_first_sync_and_a_start(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    wo = tech.rows("workorder")[str(plant.wo.id)]
    assert wo["status"] == "assigned"
    result = await tech.mutate("workorder.start", {"id": str(plant.wo.id), "base_version": wo["version"]})
    assert result.status == "applied", result
    await tech.sync()
    assert tech.rows("workorder")[str(plant.wo.id)]["status"] == "in_progress"
