"""HTTP endpoints for PM plans, their occurrences and PM compliance."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.domain.pm import services
from backend.domain.pm.rules import OccurrenceState, PlanKind
from backend.domain.pm.schemas import ComplianceOut, OccurrenceOut, PlanCreate, PlanOut, PlanUpdate
from backend.lib.clock import Clock
from backend.lib.errors import ValidationFailed
from backend.web.auth import requires

_MANAGE = [requires(*PLANNING_ROLES)]


def _aware(field: str, value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(field, "must carry a time zone")


class PlanController(Controller):
    path = "/api/pm/plans"
    tags = ["pm"]

    @get("/")
    async def list_plans(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
        kind: PlanKind | None = None,
        active: bool | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[PlanOut]:
        """Plans of the caller's sites; `asset_id` lists every plan covering that asset."""
        rows = await services.list_plans(
            session, site_id=site_id, asset_id=asset_id, kind=kind, active=active, limit=limit, offset=offset
        )
        return [PlanOut.of(p) for p in rows]

    @post("/", guards=_MANAGE)
    async def create_plan(
        self, session: AsyncSession, actor: Actor, clock: Clock, data: PlanCreate
    ) -> PlanOut:
        return PlanOut.of(await services.create_plan(session, actor, data, clock))

    @get("/{plan_id:uuid}")
    async def get_plan(self, session: AsyncSession, plan_id: uuid.UUID) -> PlanOut:
        return PlanOut.of(await services.get_plan(session, plan_id))

    @patch("/{plan_id:uuid}", guards=_MANAGE)
    async def update_plan(
        self, session: AsyncSession, actor: Actor, clock: Clock, plan_id: uuid.UUID, data: PlanUpdate
    ) -> PlanOut:
        return PlanOut.of(await services.update_plan(session, actor, plan_id, data, clock))

    @delete("/{plan_id:uuid}", guards=_MANAGE, status_code=204)
    async def delete_plan(self, session: AsyncSession, actor: Actor, plan_id: uuid.UUID) -> None:
        await services.delete_plan(session, actor, plan_id)

    @post("/{plan_id:uuid}/pause", guards=_MANAGE, status_code=200)
    async def pause(self, session: AsyncSession, actor: Actor, clock: Clock, plan_id: uuid.UUID) -> PlanOut:
        return PlanOut.of(await services.pause_plan(session, actor, plan_id, clock))

    @post("/{plan_id:uuid}/resume", guards=_MANAGE, status_code=200)
    async def resume(self, session: AsyncSession, actor: Actor, clock: Clock, plan_id: uuid.UUID) -> PlanOut:
        return PlanOut.of(await services.resume_plan(session, actor, plan_id, clock))


class OccurrenceController(Controller):
    path = "/api/pm/occurrences"
    tags = ["pm"]

    @get("/")
    async def list_occurrences(
        self,
        session: AsyncSession,
        clock: Clock,
        site_id: uuid.UUID | None = None,
        plan_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
        occurrence_state: OccurrenceState | None = Parameter(query="state", default=None),
        due_from: datetime | None = None,
        due_to: datetime | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[OccurrenceOut]:
        """Occurrences, newest due first; `state=overdue` lists PM work past due date + grace."""
        _aware("due_from", due_from)
        _aware("due_to", due_to)
        return await services.list_occurrences(
            session,
            clock.now(),
            site_id=site_id,
            plan_id=plan_id,
            asset_id=asset_id,
            state=occurrence_state,
            due_from=due_from,
            due_to=due_to,
            limit=limit,
            offset=offset,
        )

    @get("/{occurrence_id:uuid}")
    async def get_occurrence(
        self, session: AsyncSession, clock: Clock, occurrence_id: uuid.UUID
    ) -> OccurrenceOut:
        return await services.get_occurrence(session, occurrence_id, clock.now())


class ComplianceController(Controller):
    path = "/api/pm/compliance"
    tags = ["pm"]

    @get("/")
    async def compliance(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        period_from: datetime = Parameter(query="from"),
        period_to: datetime = Parameter(query="to"),
        site_id: uuid.UUID | None = None,
        asset_id: uuid.UUID | None = None,
    ) -> ComplianceOut:
        """Share of PM work orders due in [from, to) that were done by due date + grace."""
        return await services.compliance(
            session,
            actor,
            clock.now(),
            period_from=period_from,
            period_to=period_to,
            site_id=site_id,
            asset_id=asset_id,
        )


CONTROLLERS = [PlanController, OccurrenceController, ComplianceController]
