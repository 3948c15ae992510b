"""Site scoping in the query layer.

A session carries the actor's site ids in `session.info["site_ids"]`; every ORM SELECT,
UPDATE and DELETE issued through it gets `site_id IN (...)` for every `SiteScoped` entity.
A session without that key (CLI, background jobs, migrations) is unscoped on purpose.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from backend.db.base import SiteScoped

SCOPE_KEY = "site_ids"


def bind_scope(session: AsyncSession | Session, site_ids: Iterable[uuid.UUID]) -> None:
    session.info[SCOPE_KEY] = tuple(site_ids)


def unbind_scope(session: AsyncSession | Session) -> None:
    session.info.pop(SCOPE_KEY, None)


def scope_of(session: AsyncSession | Session) -> tuple[uuid.UUID, ...] | None:
    value: Any = session.info.get(SCOPE_KEY)
    return value if value is None else tuple(value)


@event.listens_for(Session, "do_orm_execute")
def _add_site_criteria(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("skip_site_scope", False):
        return
    site_ids = state.session.info.get(SCOPE_KEY)
    if site_ids is None:
        return
    allowed = tuple(site_ids)
    state.statement = state.statement.options(
        with_loader_criteria(
            SiteScoped,
            lambda cls: cls.site_id.in_(allowed),
            include_aliases=True,
        )
    )
