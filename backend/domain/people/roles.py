"""Roles and the actor (who is calling, from which device, seeing which sites)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field

from backend.lib.errors import Forbidden, NotFound


class Role(enum.StrEnum):
    TECHNICIAN = "technician"
    OPERATOR = "operator"
    PLANNER = "planner"
    MANAGER = "manager"
    ADMIN = "admin"


# Who may do what, by capability rather than by role name, so rules read as intent.
PLANNING_ROLES = frozenset({Role.PLANNER, Role.MANAGER, Role.ADMIN})
MAINTENANCE_ROLES = frozenset({Role.TECHNICIAN, Role.PLANNER, Role.MANAGER, Role.ADMIN})
PRODUCTION_ROLES = frozenset({Role.OPERATOR, Role.PLANNER, Role.MANAGER, Role.ADMIN})
QUALITY_ROLES = frozenset({Role.MANAGER, Role.ADMIN, Role.PLANNER})
ASSET_EDIT_ROLES = frozenset({Role.PLANNER, Role.MANAGER, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})
ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    username: str
    role: Role
    site_ids: frozenset[uuid.UUID]
    device_id: uuid.UUID | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def can_see_site(self, site_id: uuid.UUID) -> bool:
        return site_id in self.site_ids

    def require_site(self, site_id: uuid.UUID, what: str = "site") -> None:
        """Out-of-scope sites are answered as missing, never as forbidden."""
        if site_id not in self.site_ids:
            raise NotFound(f"{what} not found")

    def require_role(self, allowed: frozenset[Role], action: str) -> None:
        if self.role not in allowed:
            raise Forbidden(f"role '{self.role}' may not {action}")


SYSTEM_USERNAME = "system"
