"""Factories for work orders, checklist templates and failure codes, built through the services."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from typing import Any

from backend.domain.assets.models import Asset
from backend.domain.maintenance import services
from backend.domain.maintenance.models import ChecklistTemplate, FailureCode, WorkOrder
from backend.domain.maintenance.rules import CodeKind, ItemKind, Status
from backend.domain.maintenance.schemas import (
    ChecklistTemplateCreate,
    FailureCodeCreate,
    TemplateItemIn,
    WorkOrderCreate,
)
from backend.domain.people.models import Site, User
from backend.domain.people.roles import Actor, Role
from backend.lib.clock import Clock
from tests.factories import Factory, admin_actor

_seq = itertools.count(1)

# A typical inspection: one of each kind, the numeric one with limits.
DEFAULT_ITEMS = (
    TemplateItemIn(kind=ItemKind.CHECKBOX, label="Lock out and tag out"),
    TemplateItemIn(kind=ItemKind.PASS_FAIL, label="Guards intact"),
    TemplateItemIn(
        kind=ItemKind.NUMERIC, label="Spindle runout", unit="mm", lower_limit=0.0, upper_limit=0.02
    ),
    TemplateItemIn(kind=ItemKind.TEXT, label="Remarks", required=False),
)


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id, username=user.username, role=Role(user.role), site_ids=frozenset(user.site_ids)
    )


async def template(
    factory: Factory,
    site: Site,
    *,
    asset_class: str = "cnc-mill",
    items: Sequence[TemplateItemIn] = DEFAULT_ITEMS,
    name: str | None = None,
) -> ChecklistTemplate:
    data = ChecklistTemplateCreate(
        site_id=site.id, asset_class=asset_class, name=name or f"Checklist {next(_seq)}", items=list(items)
    )
    row = await services.create_template(factory.session, admin_actor(site), data)
    await factory.commit()
    return row


async def failure_code(
    factory: Factory,
    site: Site,
    kind: CodeKind | str,
    code: str,
    *,
    asset_class: str = "*",
    name: str | None = None,
) -> FailureCode:
    data = FailureCodeCreate(
        site_id=site.id, asset_class=asset_class, kind=CodeKind(kind), code=code, name=name or code.title()
    )
    row = await services.create_failure_code(factory.session, admin_actor(site), data)
    await factory.commit()
    return row


async def work_order(
    factory: Factory,
    asset: Asset,
    clock: Clock,
    *,
    assignees: Sequence[User] = (),
    status: Status | str | None = None,
    **fields: Any,
) -> WorkOrder:
    """A planned work order on `asset`; with `status`, walked there along the usual path."""
    site_actor = site_admin(asset.site_id)
    data = WorkOrderCreate(
        asset_id=asset.id,
        title=fields.pop("title", f"Work order {next(_seq)}"),
        assignee_ids=[u.id for u in assignees],
        **fields,
    )
    wo = await services.create_work_order(factory.session, site_actor, data, clock)
    await factory.commit()
    if status is not None:
        wo = await walk(factory, wo, Status(status), clock)
    return wo


def site_admin(site_id: uuid.UUID) -> Actor:
    """The factories' admin (no user row behind it), seeing one site."""
    return Actor(
        user_id=admin_actor().user_id, username="factory", role=Role.ADMIN, site_ids=frozenset({site_id})
    )


_PATH = (Status.IN_PROGRESS, Status.DONE, Status.VERIFIED)


async def walk(factory: Factory, wo: WorkOrder, target: Status, clock: Clock) -> WorkOrder:
    """Move a planned work order to `target` by legal steps (as an admin, answering nothing)."""
    actor = site_admin(wo.site_id)
    session = factory.session
    if target in {Status.CANCELLED, Status.ON_HOLD}:
        if target is Status.ON_HOLD:
            wo = await walk(factory, wo, Status.IN_PROGRESS, clock)
            wo = await services.transition(session, actor, wo.id, "on_hold", clock, "waiting_for_parts")
        else:
            wo = await services.transition(session, actor, wo.id, "cancelled", clock, "not needed")
        await factory.commit()
        return wo
    if wo.status == Status.OPEN:
        raise ValueError("give the work order assignees to walk it past 'open'")
    for step in _PATH:
        if wo.status == target:
            break
        wo = await services.transition(session, actor, wo.id, step.value, clock)
        await factory.commit()
    return wo
