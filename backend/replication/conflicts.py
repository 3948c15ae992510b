"""Conflict records: stored when a device's edit loses on a field that matters, synced as entity
`conflict` to the people involved (the device user whose edit lost, the one whose value was
kept, the people the record is about) and to the site's planners, resolved by
`conflict.resolve@1` — an ordinary mutation whose write is merged like any other edit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Session

from backend.db.offline import Ctx, FieldRule, merge
from backend.db.replica import site_key, sites_in
from backend.domain.people.roles import PLANNING_ROLES, Actor
from backend.replication.changelog import Change
from backend.replication.models import SyncClient, SyncConflict, SyncFieldVersion
from backend.replication.rows import stamp_version
from sync.errors import MutationRejected
from sync.merge import ConflictRecord, Decision, FieldDecision, ResolveArgs, resolution_edit
from sync.registry import Notice
from sync.store import Row, ScopeKeys

ENTITY = "conflict"
TABLE = cast(Table, SyncConflict.__table__)


def person_key(site_id: uuid.UUID | str, user_id: uuid.UUID | str) -> str:
    return f"{site_key(site_id)}:user:{user_id}"


def review_key(site_id: uuid.UUID | str) -> str:
    return f"{site_key(site_id)}:review"


def conflict_keys(site_id: uuid.UUID | str, people: Iterable[str]) -> frozenset[str]:
    return frozenset({review_key(site_id), *(person_key(site_id, p) for p in people)})


def capture_rule(session: Session, obj: Any, kind: str) -> list[Change]:
    op = "del" if kind == "deleted" else "put"
    return [Change(ENTITY, str(obj.id), set(conflict_keys(obj.site_id, obj.people or [])), op, obj.version)]


def wire(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "field": row["field"],
        "server_value": row["server_value"],
        "client_value": row["client_value"],
        "base_version": row["base_version"],
        "server_version": row["server_version"],
        "client_id": str(row["client_id"]),
        "mutation_id": row["mutation_id"],
        "policy": row["policy"],
        "status": row["status"],
        "resolution": row["resolution"],
        "site": str(row["site_id"]),
        "created_at": row["created_at"],
    }


class ConflictSource:
    """Conflict rows, visible to a device whose scope holds one of their keys."""

    entities = (ENTITY,)
    BATCH = 500

    def _row(self, mapping: Mapping[Any, Any]) -> Row:
        scopes = conflict_keys(mapping["site_id"], mapping["people"] or [])
        version = int(mapping["version"]) if mapping["version"] is not None else stamp_version(None)
        return Row(ENTITY, str(mapping["id"]), version, wire(mapping), scopes)

    async def read(self, conn: AsyncConnection, entity: str, ids: Sequence[str]) -> list[Row]:
        keys = []
        for text in ids:
            try:
                keys.append(uuid.UUID(text))
            except ValueError:
                continue
        if not keys:
            return []
        result = await conn.execute(select(TABLE).where(TABLE.c.id.in_(keys)))
        return [self._row(m) for m in result.mappings()]

    async def scan(
        self, conn: AsyncConnection, entity: str, scope: ScopeKeys, after: str | None, limit: int
    ) -> list[Row]:
        sites = sites_in(scope)
        found: list[Row] = []
        start = None if after is None else uuid.UUID(after)
        while sites and len(found) < limit:
            stmt = select(TABLE).where(TABLE.c.site_id.in_(sites)).order_by(TABLE.c.id).limit(self.BATCH)
            if start is not None:
                stmt = stmt.where(TABLE.c.id > start)
            batch = (await conn.execute(stmt)).mappings().all()
            for mapping in batch:
                row = self._row(mapping)
                if not row.scopes.isdisjoint(scope):
                    found.append(row)
            if len(batch) < self.BATCH:
                break
            start = batch[-1]["id"]
        return found[:limit]


async def _winner(session: Any, record: ConflictRecord) -> str | None:
    """The user whose device wrote the value that was kept, if a device did."""
    stmt = (
        select(SyncClient.user_id)
        .join(SyncFieldVersion, SyncFieldVersion.client_id == SyncClient.client_id)
        .where(
            SyncFieldVersion.entity == record.entity,
            SyncFieldVersion.row_id == record.entity_id,
            SyncFieldVersion.field == record.field,
        )
    )
    found = (await session.execute(stmt)).scalar()
    return None if found is None else str(found)


async def add_conflict(
    tx: Any, decision: FieldDecision, *, site_id: uuid.UUID, people: Iterable[Any]
) -> None:
    record = decision.conflict
    if record is None:
        return
    session = tx.session
    key = uuid.UUID(record.id)
    if await session.get(SyncConflict, key) is not None:
        return
    involved = {str(p) for p in people}
    actor = tx.auth
    if isinstance(actor, Actor):
        involved.add(str(actor.user_id))
    winner = await _winner(session, record)
    if winner is not None:
        involved.add(winner)
    session.add(
        SyncConflict(
            id=key,
            site_id=site_id,
            entity=record.entity,
            entity_id=record.entity_id,
            field=record.field,
            server_value=record.server_value,
            client_value=record.client_value,
            base_version=record.base_version,
            server_version=record.server_version,
            client_id=uuid.UUID(record.client_id),
            mutation_id=record.mutation_id,
            policy=record.policy,
            status="open",
            people=sorted(involved),
            version=1,
            created_at=tx.clock.now(),
        )
    )
    await session.flush()


def _record(row: SyncConflict) -> ConflictRecord:
    policy: Any = row.policy
    return ConflictRecord(
        id=str(row.id),
        entity=row.entity,
        entity_id=row.entity_id,
        field=row.field,
        server_value=row.server_value,
        client_value=row.client_value,
        base_version=row.base_version,
        server_version=row.server_version,
        client_id=str(row.client_id),
        mutation_id=row.mutation_id,
        policy=policy,
    )


def resolver(rules: Mapping[tuple[str, str], FieldRule]) -> Any:
    """`conflict.resolve@1`: close a conflict, writing the chosen value through the field's rule."""

    async def resolve(ctx: Ctx, args: ResolveArgs) -> Notice | None:
        actor: Actor = ctx.auth
        session = ctx.tx.session
        try:
            key = uuid.UUID(args.conflict_id)
        except ValueError:
            raise MutationRejected("not_found", "no such conflict") from None
        row = await session.get(SyncConflict, key, with_for_update=True)
        if row is None or row.site_id not in actor.site_ids:
            raise MutationRejected("not_found", "no such conflict")
        if str(actor.user_id) not in (row.people or []) and actor.role not in PLANNING_ROLES:
            raise MutationRejected("forbidden", "only the people involved or a planner resolve a conflict")
        if row.status != "open":
            raise MutationRejected("already_resolved", "this conflict was already resolved")
        notice = None
        edit = resolution_edit(_record(row), args.choice, args.value)
        if edit is not None:
            rule = rules.get((row.entity, row.field))
            if rule is None:
                raise MutationRejected("unsupported", f"{row.entity}.{row.field} cannot be resolved here")
            target = await rule.read(ctx, row.entity_id)
            decision = await merge(
                ctx,
                entity=row.entity,
                row_id=row.entity_id,
                field=row.field,
                policy=rule.policy,
                target=target,
                edit=edit,
            )
            if decision.decision is Decision.APPLIED:
                await rule.write(ctx, row.entity_id, decision.value)
            elif decision.decision is Decision.CONFLICT:
                notice = Notice("conflict", f"{row.field} changed again; a new conflict was recorded")
            elif decision.decision is Decision.KEPT:
                notice = Notice("superseded", f"{row.field} had already moved on")
        row.status = "resolved"
        row.resolution = {
            "choice": args.choice,
            "value": args.value,
            "by": str(actor.user_id),
            "client_id": ctx.client_id,
            "mutation_id": ctx.mutation_id,
        }
        row.resolved_at = ctx.tx.clock.now()
        row.version += 1
        await session.flush()
        return notice

    return resolve
