"""The replicated entities of every context, the catalog pulls read them through, and the change
capture that feeds the log (installed once per process, see `hooks`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from backend.db.replica import Replica
from backend.domain.assets.replica import REPLICA as ASSETS
from backend.domain.downtime.replica import REPLICA as DOWNTIME
from backend.domain.inventory.replica import REPLICA as INVENTORY
from backend.domain.maintenance.replica import REPLICA as MAINTENANCE
from backend.domain.people.models import User, UserSite
from backend.domain.production.replica import REPLICA as PRODUCTION
from backend.replication import capture, conflicts
from backend.replication.models import SyncConflict
from backend.replication.rows import Catalog, RowSource, TableSource

REPLICAS: tuple[Replica, ...] = (ASSETS, DOWNTIME, INVENTORY, MAINTENANCE, PRODUCTION)


def user_key(user_id: Any) -> str:
    """Nudges a user's streams when their grants change (their scope is recomputed on pull)."""
    return f"user:{user_id}"


def _grant_nudge(link: Any) -> Iterable[str]:
    return [user_key(link.user_id)]


def _user_nudge(user: Any) -> Iterable[str]:
    return [user_key(user.id)]


def sources() -> list[RowSource]:
    tables: list[RowSource] = [TableSource(spec) for replica in REPLICAS for spec in replica.tables]
    return [*tables, conflicts.ConflictSource()]


def catalog() -> Catalog:
    return Catalog(sources())


def install() -> None:
    if "conflict" in capture.REGISTRY.installed:
        return
    capture.install(REPLICAS)
    capture.REGISTRY.installed.add("conflict")
    capture.REGISTRY.add_rule(SyncConflict, conflicts.capture_rule)
    capture.REGISTRY.add_nudger(UserSite, _grant_nudge)
    capture.REGISTRY.add_nudger(User, _user_nudge)
