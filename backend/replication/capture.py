"""Change capture: every ORM session records the replicated rows it writes, and files them in the
commit-ordered change log as the last step of its transaction.

- `after_flush`: each new, changed or deleted row of a replicated table (and each row that
  `touches` one) becomes a pending `Change` with its scope keys before and after; merged fields
  get their per-field version written at once (in the flush's own transaction, so a rolled back
  savepoint takes them back too).
- `before_commit` (of the outermost transaction): flush what is left, then file the pending
  changes (`changelog.file_changes`: the clock row lock is taken here and held until COMMIT) and,
  on PostgreSQL, `pg_notify` the scope keys for the live nudges. A flush after that files at once.
- `after_commit`: on SQLite, nudge this process's event streams; forget the transaction's state.
- a rollback of the outermost transaction forgets everything. A rolled back savepoint keeps its
  captured changes: a change-log entry for a row that did not change only makes devices re-read it.

Sessions that do not touch replicated rows pay nothing but the bookkeeping dictionary lookups.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, cast

from sqlalchemy import Connection, Engine, Table, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from backend.db.replica import Replica, Replicated, Touch, site_key
from backend.replication import fanout
from backend.replication.changelog import Change, Pending, file_changes, notify
from backend.replication.models import SyncFieldVersion

PENDING: Final = "sync.pending"
FILED: Final = "sync.filed"
"""Set once this transaction filed changes: the clock row is locked, later flushes file at once."""
WRITER: Final = "sync.writer"
"""`(client_id, mutation_id)` of the device mutation this session runs, for per-field versions."""
FILER: Final = "sync.filer"
"""Overrides how pending changes are filed (deliberately broken variants in tests)."""
NUDGES_DONE: Final = "sync.nudged"

Rule = Callable[[Session, Any, str], Iterable[Change]]
"""(session, row, kind) → changes; kind is `new`, `dirty` or `deleted`."""
Nudger = Callable[[Any], Iterable[str]]


class Filer(Protocol):
    immediate: bool
    """True: file at every flush (ids drawn while the transaction runs)."""

    def file(self, conn: Connection, changes: Sequence[Change]) -> None: ...


class CommitClock:
    immediate = False

    def file(self, conn: Connection, changes: Sequence[Change]) -> None:
        file_changes(conn, changes)


COMMIT_CLOCK: Final = CommitClock()


@dataclass(frozen=True)
class Tracked:
    entity: str
    fields: dict[str, tuple[str, ...]]
    key_attrs: tuple[str, ...]
    version_attr: str


@dataclass
class Registry:
    rules: dict[type[Any], list[Rule]] = field(default_factory=dict)
    tracked: dict[type[Any], Tracked] = field(default_factory=dict)
    nudgers: dict[type[Any], list[Nudger]] = field(default_factory=dict)
    installed: set[str] = field(default_factory=set)

    def add_rule(self, model: type[Any], rule: Rule) -> None:
        self.rules.setdefault(model, []).append(rule)

    def add_nudger(self, model: type[Any], nudger: Nudger) -> None:
        self.nudgers.setdefault(model, []).append(nudger)


REGISTRY = Registry()


def _old(obj: Any, attr: str) -> Any:
    history = inspect(obj).attrs[attr].history
    return history.deleted[0] if history.deleted else getattr(obj, attr)


def _changed(obj: Any, attrs: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[a].history.has_changes() for a in attrs)


def _site_keys(obj: Any, attr: str) -> set[str]:
    return {site_key(getattr(obj, attr)), site_key(_old(obj, attr))}


def table_rule(spec: Replicated) -> Rule:
    site_attr = spec.site.key
    version_attr = spec.version.key if spec.version is not None else None

    def rule(session: Session, obj: Any, kind: str) -> Iterable[Change]:
        version = getattr(obj, version_attr) if version_attr else None
        op = "del" if kind == "deleted" else "put"
        return [Change(spec.entity, spec.row_id(obj), _site_keys(obj, site_attr), op, version)]

    return rule


def touch_rule(touch: Touch) -> Rule:
    def rule(session: Session, obj: Any, kind: str) -> Iterable[Change]:
        target = getattr(obj, touch.id_attr)
        if target is None:
            return []
        return [Change(touch.entity, str(target), _site_keys(obj, touch.site_attr), "put")]

    return rule


def cascade_rule(children: Sequence[Replicated], watched: tuple[str, ...]) -> Rule:
    """When a parent's watched attributes change, its children may enter or leave the scope."""

    def rule(session: Session, parent: Any, kind: str) -> Iterable[Change]:
        if kind != "dirty" or not _changed(parent, watched):
            return []
        conn = session.connection()
        found = []
        for child in children:
            assert child.follows is not None
            fk = getattr(child.model, child.follows.fk)
            rows = conn.execute(select(*child.key, child.site).where(fk == parent.id))
            for row in rows:
                row_id = ":".join(str(v) for v in row[: len(child.key)])
                found.append(Change(child.entity, row_id, {site_key(row[-1])}, "put"))
        return found

    return rule


def install(replicas: Iterable[Replica]) -> None:
    """Register the capture rules of every replicated table (once per table)."""
    specs = [spec for replica in replicas for spec in replica.tables]
    touches = [touch for replica in replicas for touch in replica.touches]
    followers: dict[type[Any], list[Replicated]] = {}
    for spec in specs:
        if spec.entity in REGISTRY.installed:
            continue
        REGISTRY.installed.add(spec.entity)
        REGISTRY.add_rule(spec.model, table_rule(spec))
        if spec.tracked and spec.version is not None:
            REGISTRY.tracked[spec.model] = Tracked(
                spec.entity, dict(spec.tracked), spec.key_attrs, spec.version.key
            )
        if spec.follows is not None:
            followers.setdefault(spec.follows.parent, []).append(spec)
    for touch in touches:
        name = f"touch:{touch.model.__name__}:{touch.entity}"
        if name not in REGISTRY.installed:
            REGISTRY.installed.add(name)
            REGISTRY.add_rule(touch.model, touch_rule(touch))
    for parent, children in followers.items():
        watched = tuple(sorted({a for c in children if c.follows for a in c.follows.watched}))
        REGISTRY.add_rule(parent, cascade_rule(children, watched))


# --- session state ---------------------------------------------------------------------------


def pending_of(session: Session) -> Pending:
    pending = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = Pending()
    return pending


def _forget(session: Session) -> None:
    for key in (PENDING, FILED, NUDGES_DONE):
        session.info.pop(key, None)


def _field_rows(session: Session, obj: Any, tracked: Tracked) -> list[dict[str, Any]]:
    writer = session.info.get(WRITER)
    client_id = uuid.UUID(str(writer[0])) if writer else None
    mutation_id = int(writer[1]) if writer else None
    row_id = ":".join(str(getattr(obj, a)) for a in tracked.key_attrs)
    version = int(getattr(obj, tracked.version_attr))
    return [
        {
            "entity": tracked.entity,
            "row_id": row_id,
            "field": name,
            "version": version,
            "client_id": client_id,
            "mutation_id": mutation_id,
        }
        for name, attrs in tracked.fields.items()
        if _changed(obj, attrs)
    ]


def write_field_versions(conn: Connection, rows: list[dict[str, Any]]) -> None:
    table = cast(Table, SyncFieldVersion.__table__)
    insert = pg_insert(table) if conn.dialect.name == "postgresql" else sqlite_insert(table)
    stmt = insert.on_conflict_do_update(
        index_elements=[table.c.entity, table.c.row_id, table.c.field],
        set_={
            "version": insert.excluded.version,
            "client_id": insert.excluded.client_id,
            "mutation_id": insert.excluded.mutation_id,
        },
    )
    for row in rows:
        conn.execute(stmt, row)


def file_pending(session: Session) -> None:
    """File what this transaction captured (the outermost transaction's last statements)."""
    pending = session.info.get(PENDING)
    if pending is None:
        return
    changes = pending.take()
    if not changes and not pending.nudges:
        return
    conn = session.connection()
    if changes:
        filer: Filer = session.info.get(FILER, COMMIT_CLOCK)
        filer.file(conn, changes)
        session.info[FILED] = True
    if pending.nudges and conn.dialect.name == "postgresql":
        notify(conn, pending.nudges)
        pending.nudges.clear()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    if not REGISTRY.rules and not REGISTRY.nudgers:
        return
    pending: Pending | None = None
    versions: list[dict[str, Any]] = []
    for kind, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            model = type(obj)
            rules = REGISTRY.rules.get(model)
            nudgers = REGISTRY.nudgers.get(model)
            if rules is None and nudgers is None:
                continue
            if kind == "dirty" and not session.is_modified(obj, include_collections=False):
                continue
            pending = pending or pending_of(session)
            for rule in rules or ():
                for change in rule(session, obj, kind):
                    pending.add(change)
                    pending.nudges |= change.keys
            for nudger in nudgers or ():
                pending.nudges.update(nudger(obj))
            tracked = REGISTRY.tracked.get(model)
            if tracked is not None and kind == "dirty":
                versions += _field_rows(session, obj, tracked)
    if versions:
        write_field_versions(session.connection(), versions)
    if pending is None:
        return
    filer: Filer = session.info.get(FILER, COMMIT_CLOCK)
    if session.info.get(FILED) or filer.immediate:
        file_pending(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    file_pending(session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.get(PENDING)
    if pending is not None and pending.nudges:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        if engine.dialect.name != "postgresql":
            fanout.publish_local(str(engine.url), pending.nudges)
    _forget(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        _forget(session)
