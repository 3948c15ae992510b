"""Seeding and administration of the reference domain (server-side transactions, not mutations)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sync.memory import MemoryStore
from sync.refdomain._model import (
    scope_for_sites,
    site_scope,
)
from sync.store import ScopeKeys


@dataclass(frozen=True, slots=True)
class Seed:
    users: dict[str, tuple[str, ...]]
    """user id → granted sites"""
    workorders: dict[str, str]
    """work order id → site"""
    stock: dict[str, tuple[str, int]]
    """stock id → (site, opening balance)"""


async def seed(store: MemoryStore, spec: Seed) -> None:
    async with store.transaction() as tx:
        for user, sites in spec.users.items():
            await tx.lock("user", user)
            tx.put("user", user, {"sites": sorted(sites)}, frozenset())
        for wo, site in spec.workorders.items():
            await tx.lock("workorder", wo)
            data = {
                "site": site,
                "title": f"WO {wo}",
                "status": "open",
                "priority": 3,
                "notes": "",
                "reading": None,
            }
            tx.put("workorder", wo, data, site_scope(site))
        for item, (site, balance) in spec.stock.items():
            await tx.lock("stock", item)
            tx.put("stock", item, {"site": site, "balance": balance, "overdrafts": 0}, site_scope(site))
        tx.note("seed")


async def set_user_sites(store: MemoryStore, user: str, sites: Iterable[str]) -> None:
    async with store.transaction() as tx:
        await tx.lock("user", user)
        tx.put("user", user, {"sites": sorted(set(sites))}, frozenset())
        tx.note("grant", (user, tuple(sorted(set(sites)))))


def scope_of_user(store: MemoryStore, user: str) -> ScopeKeys:
    """The scope of a user's devices, read from committed state (call inside a snapshot)."""
    row = store.committed(("user", user))
    return scope_for_sites([] if row is None else row.data.get("sites", []))
