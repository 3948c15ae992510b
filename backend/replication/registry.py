"""Every context's offline mutators, registered with the guard that runs them as the device's
actor: the session is bound to the actor's sites (another site's rows are not found) and stamped
for audit and per-field versions; the services' refusals become rejections with their reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from backend.db.offline import FieldRule, rejection_code
from backend.db.scope import bind_scope
from backend.domain.audit.recorder import ACTOR_KEY
from backend.domain.downtime import mutators as downtime
from backend.domain.inventory import mutators as inventory
from backend.domain.maintenance import mutators as maintenance
from backend.domain.people.roles import Actor
from backend.domain.production import mutators as production
from backend.domain.quality import mutators as quality
from backend.lib.errors import DomainError
from backend.replication.capture import WRITER
from backend.replication.conflicts import resolver
from backend.replication.store import SqlTx
from sync.errors import MutationRejected, TransientError
from sync.merge import ResolveArgs
from sync.registry import Mutator, MutatorRegistry, Notice

CONTEXTS = (maintenance, inventory, downtime, production, quality)


def guarded(run: Any) -> Any:
    async def guard(ctx: Any, args: Any) -> Notice | None:
        tx: SqlTx = ctx.tx
        actor: Actor = ctx.auth
        tx.auth = actor
        session = tx.session
        bind_scope(session, actor.site_ids)
        session.info[ACTOR_KEY] = actor.user_id
        session.info[WRITER] = (ctx.client_id, ctx.mutation_id)
        try:
            notice: Notice | None = await run(ctx, args)
            await session.flush()
        except DomainError as exc:
            raise MutationRejected(rejection_code(exc), exc.detail) from exc
        except IntegrityError as exc:
            raise MutationRejected("refused", "this change conflicts with data already stored") from exc
        except StaleDataError as exc:
            raise TransientError("the record changed at the same moment; retry") from exc
        return notice

    return guard


class GuardedRegistry(MutatorRegistry[SqlTx, Actor]):
    def register(
        self, name: str, version: int, args_type: type[Any], run: Mutator[SqlTx, Actor, Any]
    ) -> None:
        super().register(name, version, args_type, guarded(run))


def field_rules() -> dict[tuple[str, str], FieldRule]:
    rules = [rule for module in CONTEXTS for rule in getattr(module, "FIELDS", ())]
    return {(rule.entity, rule.field): rule for rule in rules}


def build_registry() -> GuardedRegistry:
    registry = GuardedRegistry()
    for module in CONTEXTS:
        module.register(registry)
    registry.register("conflict.resolve", 1, ResolveArgs, resolver(field_rules()))
    return registry
