"""A device's scope, recomputed from its user's current role and sites on every pull.

Keys: `site:<s>` for each site the user may see (the site's replicated rows), `site:<s>:user:<u>`
(conflicts the user is involved in), and `site:<s>:review` for planners, managers and admins
(every conflict of the site). A withdrawn site, a new role or a deactivated user changes the set:
the device's next pull starts a new sequence that replaces its replica.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.replica import site_key
from backend.domain.people.models import User, UserSite
from backend.domain.people.roles import PLANNING_ROLES, Role
from backend.replication.conflicts import person_key, review_key
from backend.replication.entities import user_key
from sync.store import ScopeKeys


def scope_keys(user_id: uuid.UUID, role: Role | str, sites: Iterable[uuid.UUID]) -> ScopeKeys:
    keys: set[str] = set()
    reviews = Role(role) in PLANNING_ROLES
    for site in sites:
        keys.add(site_key(site))
        keys.add(person_key(site, user_id))
        if reviews:
            keys.add(review_key(site))
    return frozenset(keys)


def scope_query(user_id: uuid.UUID) -> Select[str, bool, uuid.UUID]:
    """The user's role, whether active, and sites: one row per site (one with no site)."""
    return (
        select(User.role, User.active, UserSite.site_id)
        .outerjoin(UserSite, UserSite.user_id == User.id)
        .where(User.id == user_id)
    )


def scope_of(user_id: uuid.UUID, rows: Sequence[Any]) -> ScopeKeys:
    if not rows or not rows[0].active:
        return frozenset()
    return scope_keys(user_id, rows[0].role, [r.site_id for r in rows if r.site_id is not None])


async def device_scope(conn: AsyncConnection, user_id: uuid.UUID) -> ScopeKeys:
    return scope_of(user_id, (await conn.execute(scope_query(user_id))).all())


def nudge_keys(user_id: uuid.UUID, scope: ScopeKeys) -> frozenset[str]:
    """What an event stream listens to: its scope, and its user's own key (grant changes)."""
    return scope | {user_key(user_id)}
