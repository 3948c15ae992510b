"""The demo plant's collector tokens: one collector per demo site, registered through the machines
service. Tokens are shown once, so they are kept in a file (readable by the owner only) and
reused as long as the database still knows them."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.demo.plant import SITES
from backend.domain.machines import services as machines
from backend.domain.people.models import Site
from backend.domain.people.roles import Actor, Role


def _read(store: Path) -> dict[str, str]:
    try:
        found = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return (
        {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(found, dict)
        else {}
    )


def _write(store: Path, tokens: dict[str, str]) -> None:
    store.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(tokens, out, indent=2, sort_keys=True)


async def ensure_demo_collectors(session: AsyncSession, store: Path) -> dict[str, str]:
    """Site code → collector token for every demo site; tokens the database no longer knows (or
    that belong to another site) are replaced by new collectors."""
    codes = [spec.code for spec in SITES]
    sites = {s.code: s for s in (await session.execute(select(Site).where(Site.code.in_(codes)))).scalars()}
    stored = _read(store)
    actor = Actor(
        user_id=uuid.UUID(int=0),
        username="demo",
        role=Role.ADMIN,
        site_ids=frozenset(s.id for s in sites.values()),
    )
    tokens: dict[str, str] = {}
    for code, site in sites.items():
        known = await machines.collector_for_token(session, stored[code]) if code in stored else None
        if known is not None and known.site_id == site.id:
            tokens[code] = stored[code]
            continue
        _collector, tokens[code] = await machines.create_collector(
            session, actor, site.id, f"demo plant ({code})"
        )
    await session.flush()
    if tokens != stored:
        _write(store, tokens)
    return tokens
