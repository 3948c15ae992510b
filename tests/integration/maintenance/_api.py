"""Helpers for the maintenance API tests: the plant's shape and a few common calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from backend.domain.assets.models import Asset
from backend.domain.people.models import Site, User


@dataclass
class Plant:
    north: Site
    south: Site
    planner: User
    tech: User
    tech2: User
    operator: User
    south_tech: User
    machine: Asset
    h: dict[str, dict[str, str]]

    def __getitem__(self, who: str) -> dict[str, str]:
        return self.h[who]


async def create_wo(client: AsyncTestClient[Any], plant: Plant, **body: Any) -> dict[str, Any]:
    """A work order on the plant's mill, created by the planner through the API."""
    payload = {"asset_id": str(plant.machine.id), "title": "Spindle noise", **body}
    r = await client.post("/api/work-orders/", json=payload, headers=plant["planner"])
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


async def move(
    client: AsyncTestClient[Any], wo_id: str, to: str, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    r = await client.post(f"/api/work-orders/{wo_id}/transition", json={"to": to, **body}, headers=headers)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result
