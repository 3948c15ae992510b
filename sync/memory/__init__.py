"""`MemoryStore`: the in-memory reference implementation of `sync.store.Store`.

It behaves like a database with row locks and MVCC-style isolation, so the engine and the
simulation exercise real concurrency inside one asyncio loop (deterministic for a given seed):

- a transaction buffers its writes; rows must be locked (`lock`, `get(for_update=True)`) before
  they are written; locks are held until commit or rollback (like `SELECT … FOR UPDATE`);
- commit assigns change ids **at commit time, in commit order**, appends the change log and
  publishes the writes atomically (the "sequencing step" of `sync.cursor`);
- a snapshot excludes commits while it reads, so one pull sees one committed state;
- `restart()` simulates a server crash: every in-flight transaction fails with `ServerCrashed`
  at its next step and nothing of it is committed; committed state survives;
- optional hooks: `jitter` (awaited at transaction steps, to interleave concurrent requests) and
  `crash_on_commit` (decides whether the server dies while committing).
"""

from sync.memory._rows import CLIENT_LOCK, JournalEntry, LogEntry, NotLocked, ServerCrashed, StoredRow
from sync.memory._store import MemoryStore
from sync.memory._tx import MemoryTx

__all__ = [
    "CLIENT_LOCK",
    "JournalEntry",
    "LogEntry",
    "MemoryStore",
    "MemoryTx",
    "NotLocked",
    "ServerCrashed",
    "StoredRow",
]
