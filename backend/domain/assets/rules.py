"""Pure rules of the equipment hierarchy (ISA-95 levels under a site)."""

from __future__ import annotations

import enum


class Level(enum.StrEnum):
    AREA = "area"
    LINE = "line"
    MACHINE = "machine"
    COMPONENT = "component"


class Criticality(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class AssetStatus(enum.StrEnum):
    OPERATIONAL = "operational"
    DOWN = "down"
    STANDBY = "standby"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"


_RANK = {Level.AREA: 1, Level.LINE: 2, Level.MACHINE: 3, Level.COMPONENT: 4}


def may_contain(parent: Level | None, child: Level) -> bool:
    """Areas sit on the site; every other level sits under a shallower one, and components may nest."""
    if parent is None:
        return child is Level.AREA
    if child is Level.COMPONENT and parent is Level.COMPONENT:
        return True
    return _RANK[child] > _RANK[parent]


def child_path(parent_path: str | None, own_id: str) -> str:
    return f"{parent_path or '/'}{own_id}/"


def is_within(path: str, ancestor_path: str) -> bool:
    return path.startswith(ancestor_path)
