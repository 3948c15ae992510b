"""The commit-ordered change log: filing a transaction's changes at commit, reading it back.

Filing is the transaction's last step (see `capture`): one statement advances the clock row by
the number of changes and returns the new value (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, so
an emptied database starts a new history with a new epoch), then the changes are inserted under
the ids below it. On PostgreSQL the clock row stays locked until COMMIT, so a transaction that
files later also commits later: every snapshot holds exactly the ids `1..last_change_id`, and no
id at or below a watermark a pull has read can appear afterwards. SQLite has a single writer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import Connection, Table, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from backend.lib.clock import utcnow
from backend.lib.ids import uuid7
from backend.replication.models import CLOCK_ROW, SyncChange, SyncClock

NOTIFY_CHANNEL: Final = "gemba_sync"
NOTIFY_LIMIT: Final = 7000
"""PostgreSQL payloads stay under 8000 bytes; a bigger set of keys nudges everyone (`*`)."""
EVERYONE: Final = "*"

CLOCK = cast(Table, SyncClock.__table__)
CHANGES = cast(Table, SyncChange.__table__)


@dataclass
class Change:
    """A row that changed in this transaction, with every scope key it had before or after."""

    entity: str
    row_id: str
    keys: set[str]
    op: str
    version: int | None = None


@dataclass
class Pending:
    """What a session's transaction has captured and not filed yet."""

    changes: dict[tuple[str, str], Change] = field(default_factory=dict)
    nudges: set[str] = field(default_factory=set)

    def add(self, change: Change) -> None:
        key = (change.entity, change.row_id)
        known = self.changes.get(key)
        if known is None:
            self.changes[key] = change
            return
        known.keys |= change.keys
        known.op = change.op
        known.version = change.version if change.version is not None else known.version

    def take(self) -> list[Change]:
        taken = list(self.changes.values())
        self.changes.clear()
        return taken


def _upsert(dialect: str, table: Table) -> Any:
    return pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)


def new_epoch() -> str:
    return str(uuid7())


def advance_clock(conn: Connection, count: int) -> int:
    """Hand out `count` change ids (the clock row is locked until the transaction ends); returns
    the last of them."""
    insert = _upsert(conn.dialect.name, CLOCK)
    stmt = (
        insert.values(id=CLOCK_ROW, last_change_id=count, horizon=0, epoch=new_epoch())
        .on_conflict_do_update(
            index_elements=[CLOCK.c.id],
            set_={"last_change_id": CLOCK.c.last_change_id + insert.excluded.last_change_id},
        )
        .returning(CLOCK.c.last_change_id)
    )
    return int(conn.execute(stmt).scalar_one())


def insert_changes(conn: Connection, first_id: int, changes: Sequence[Change], at: datetime) -> None:
    rows = [
        {
            "scope_key": key,
            "change_id": first_id + index,
            "entity": change.entity,
            "row_id": change.row_id,
            "op": change.op,
            "version": change.version,
            "committed_at": at,
        }
        for index, change in enumerate(changes)
        for key in sorted(change.keys)
    ]
    if rows:
        conn.execute(CHANGES.insert(), rows)


def file_changes(conn: Connection, changes: Sequence[Change]) -> int:
    """The commit-time sequencing step: ids for `changes`, in one statement, then the log rows."""
    if not changes:
        return 0
    last = advance_clock(conn, len(changes))
    insert_changes(conn, last - len(changes) + 1, changes, utcnow())
    return last


def notify(conn: Connection, keys: Iterable[str]) -> None:
    """Nudge every API process (PostgreSQL delivers the notification when this commits)."""
    if conn.dialect.name != "postgresql":
        return
    payload = json.dumps(sorted(set(keys)), separators=(",", ":"))
    if len(payload) > NOTIFY_LIMIT:
        payload = json.dumps([EVERYONE])
    conn.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": NOTIFY_CHANNEL, "payload": payload}
    )


def decode_nudge(payload: str) -> frozenset[str]:
    try:
        keys = json.loads(payload)
    except ValueError:
        return frozenset({EVERYONE})
    if not isinstance(keys, list):
        return frozenset({EVERYONE})
    return frozenset(str(k) for k in keys)


CLOCK_COLUMNS = (CLOCK.c.last_change_id, CLOCK.c.horizon, CLOCK.c.epoch)
CLOCK_QUERY = select(*CLOCK_COLUMNS).where(CLOCK.c.id == CLOCK_ROW)
