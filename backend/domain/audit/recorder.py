"""Writes audit entries for every insert, update and delete flushed through an ORM session.

Opt out per model with `__audit__ = False` (bookkeeping tables, high-volume samples).
The acting user comes from `session.info["actor_id"]`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from backend.domain.audit.models import AuditEntry
from backend.lib.ids import uuid7

ACTOR_KEY = "actor_id"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | dt.datetime | dt.date | dt.time | decimal.Decimal):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


_SECRET_PARTS = ("password", "token_hash", "secret", "private")


def _redact(key: str, value: Any) -> Any:
    return "<redacted>" if value is not None and any(p in key for p in _SECRET_PARTS) else value


def _audited(obj: object) -> bool:
    return bool(getattr(type(obj), "__audit__", True)) and not isinstance(obj, AuditEntry)


def _entry(session: Session, obj: Any, action: str, changes: dict[str, Any]) -> AuditEntry:
    mapper = inspect(obj).mapper
    pk = mapper.primary_key_from_instance(obj)
    return AuditEntry(
        actor_id=session.info.get(ACTOR_KEY),
        site_id=getattr(obj, "site_id", None),
        entity=mapper.local_table.name,
        entity_id=":".join(str(p) for p in pk),
        action=action,
        changes=changes,
    )


@event.listens_for(Session, "before_flush")
def _record(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.info.get("audit_off"):
        return
    entries: list[AuditEntry] = []
    for obj in session.new:
        if not _audited(obj):
            continue
        if getattr(obj, "id", 0) is None:
            obj.id = uuid7()  # so the entry can name the row before the INSERT assigns it
        state = inspect(obj)
        changes = {
            attr.key: [None, _redact(attr.key, _jsonable(attr.value))]
            for attr in state.attrs
            if attr.key in state.mapper.columns and attr.value is not None
        }
        entries.append(_entry(session, obj, "create", changes))
    for obj in session.dirty:
        if not _audited(obj) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        changes = {}
        for attr in state.attrs:
            if attr.key not in state.mapper.columns or attr.key == "updated_at":
                continue
            hist = attr.history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old != new:
                    changes[attr.key] = [_redact(attr.key, _jsonable(old)), _redact(attr.key, _jsonable(new))]
        if changes:
            entries.append(_entry(session, obj, "update", changes))
    for obj in session.deleted:
        if _audited(obj):
            entries.append(_entry(session, obj, "delete", {}))
    session.add_all(entries)
