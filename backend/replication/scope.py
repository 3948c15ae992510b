"""A device's scope, recomputed from its user's current role and sites on every pull.

Keys: `site:<s>` for each site the user may see (the site's replicated rows), `site:<s>:user:<u>`
(conflicts the user is involved in), and `site:<s>:review` for planners, managers and admins
(every conflict of the site). A withdrawn site, a new role or a deactivated user changes the set:
the device's next pull starts a new sequence that replaces its replica.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sync.store import ScopeKeys

from backend.db.replica import site_key
from backend.domain.people.models import User, UserSite
from backend.domain.people.roles import PLANNING_ROLES, Role
from backend.replication.conflicts import person_key, review_key
from backend.replication.entities import user_key


def scope_keys(user_id: uuid.UUID, role: Role | str, sites: Iterable[uuid.UUID]) -> ScopeKeys:
    keys: set[str] = set()
    reviews = Role(role) in PLANNING_ROLES
    for site in sites:
        keys.add(site_key(site))
        keys.add(person_key(site, user_id))
        if reviews:
            keys.add(review_key(site))
    return frozenset(keys)


async def device_scope(conn: AsyncConnection, user_id: uuid.UUID) -> ScopeKeys:
    user = (await conn.execute(select(User.role, User.active).where(User.id == user_id))).first()
    if user is None or not user.active:
        return frozenset()
    sites = (await conn.execute(select(UserSite.site_id).where(UserSite.user_id == user_id))).scalars()
    return scope_keys(user_id, user.role, sites)


def nudge_keys(user_id: uuid.UUID, scope: ScopeKeys) -> frozenset[str]:
    """What an event stream listens to: its scope, and its user's own key (grant changes)."""
    return scope | {user_key(user_id)}
