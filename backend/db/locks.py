"""Taking SQLite's write lock at the start of a transaction that will write.

SQLAlchemy begins SQLite transactions explicitly (`engine.py`), so a transaction that reads and
then writes holds a snapshot; if another connection committed in between, SQLite refuses the
write at once with "database is locked" (the busy timeout does not apply: waiting could not
help that snapshot). A writer that takes the lock with its first statement instead waits its
turn. PostgreSQL needs nothing of the kind.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


async def take_write_lock(session: AsyncSession, table: str) -> None:
    """On SQLite, make `session`'s transaction a writer now (waiting for the lock up to the busy
    timeout) by a write to `table` that touches no row. Call it before the first statement."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if not _NAME.match(table):
        raise ValueError(f"not a table name: {table!r}")
    await session.execute(text(f"DELETE FROM {table} WHERE 0"))
