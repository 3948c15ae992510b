"""Durable on-disk FIFO of samples, in SQLite.

Durability: WAL journal with ``synchronous=FULL``: a sample is spooled once ``append`` returns,
and survives a ``kill -9`` of the collector and a power cut (one fsync per appended batch, not per
sample). Samples are stored one row each (msgpack), in arrival order.

Batches: ``next_batch`` returns the oldest batch already cut, if any, else cuts a new one from the
oldest unassigned samples and stores the assignment with a fresh UUID in the same transaction.
A batch that was sent but not acknowledged (lost response, crash) is therefore re-sent with the
same id and the same samples; ``ack`` deletes it. Batches are handed out strictly in order.

Bound: ``max_bytes`` bounds the stored sample payload. Only when an append pushes it past the
bound are the oldest samples dropped (a whole batch at a time once they have been cut, so a
re-sent batch never changes); the dropped count is logged and carried in the next batch cut.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import msgspec

from backend.collector.sample import Sample
from backend.lib.ids import uuid7

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_batch ON samples (batch_id);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    first_id INTEGER NOT NULL,
    dropped INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS source_seq (source TEXT PRIMARY KEY, next_seq INTEGER NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class SpooledBatch:
    """A cut batch: its id, its samples in order, and the drops reported with it."""

    batch_id: UUID
    samples: list[Sample]
    dropped: int


class Spool:
    """Thread-safe (one lock); call the blocking methods through ``asyncio.to_thread``."""

    def __init__(self, path: str | Path, max_bytes: int) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._encoder = msgspec.msgpack.Encoder()
        self._decoder = msgspec.msgpack.Decoder(Sample)
        row = self._db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0), COUNT(*) FROM samples").fetchone()
        self.bytes, self.count = int(row[0]), int(row[1])
        self.dropped_total = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def next_seq(self) -> dict[str, int]:
        """The first unused sequence number of each source seen so far."""
        with self._lock:
            return {s: int(n) for s, n in self._db.execute("SELECT source, next_seq FROM source_seq")}

    def append(self, samples: Iterable[Sample]) -> int:
        """Store samples durably (one transaction); returns how many old samples were dropped."""
        items = list(samples)
        rows = [(self._encoder.encode(s),) for s in items]
        if not rows:
            return 0
        seqs: dict[str, int] = {}
        for s in items:
            seqs[s.source] = max(seqs.get(s.source, 0), s.seq + 1)
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT INTO samples (body) VALUES (?)", rows)
                db.executemany(
                    "INSERT INTO source_seq (source, next_seq) VALUES (?, ?) "
                    "ON CONFLICT (source) DO UPDATE SET next_seq = MAX(next_seq, excluded.next_seq)",
                    list(seqs.items()),
                )
                added = sum(len(r[0]) for r in rows)
                dropped, removed, freed = self._enforce_bound(self.bytes + added)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self.bytes += added - freed
            self.count += len(rows) - removed
        if dropped:
            self.dropped_total += dropped
            log.warning(
                "spool %s over %d bytes: dropped the %d oldest samples (reported in the next batch)",
                self.path,
                self.max_bytes,
                dropped,
            )
        return dropped

    def _enforce_bound(self, total: int) -> tuple[int, int, int]:
        """Drop the oldest rows until the payload fits; returns (dropped to report, rows, bytes)."""
        db = self._db
        dropped = removed = freed = 0
        while total - freed > self.max_bytes:
            head = db.execute("SELECT id, batch_id FROM samples ORDER BY id LIMIT 1").fetchone()
            if head is None:
                break
            if head[1] is not None:
                n, size = db.execute(
                    "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM samples WHERE batch_id = ?",
                    (head[1],),
                ).fetchone()
                db.execute("DELETE FROM samples WHERE batch_id = ?", (head[1],))
                carried = db.execute("SELECT dropped FROM batches WHERE batch_id = ?", (head[1],)).fetchone()
                db.execute("DELETE FROM batches WHERE batch_id = ?", (head[1],))
                dropped += int(n) + (int(carried[0]) if carried else 0)
                removed += int(n)
                freed += int(size)
                continue
            need = total - freed - self.max_bytes
            acc = 0
            last_id = head[0]
            for row_id, size in db.execute(
                "SELECT id, LENGTH(body) FROM samples WHERE batch_id IS NULL ORDER BY id LIMIT 10000"
            ):
                acc += int(size)
                last_id = row_id
                dropped += 1
                removed += 1
                if acc >= need:
                    break
            db.execute("DELETE FROM samples WHERE batch_id IS NULL AND id <= ?", (last_id,))
            freed += acc
        if dropped:
            db.execute(
                "INSERT INTO counters (name, value) VALUES ('dropped', ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                (dropped,),
            )
        return dropped, removed, freed

    def pending(self) -> int:
        """Samples not yet cut into a batch."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM samples WHERE batch_id IS NULL").fetchone()[0])

    def has_cut_batch(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM batches LIMIT 1").fetchone() is not None

    def next_batch(self, max_samples: int) -> SpooledBatch | None:
        """The oldest cut batch, else a new batch of up to ``max_samples``; None when empty."""
        with self._lock:
            db = self._db
            row = db.execute("SELECT batch_id, dropped FROM batches ORDER BY first_id LIMIT 1").fetchone()
            if row is not None:
                return self._load(row[0], int(row[1]))
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM samples WHERE batch_id IS NULL ORDER BY id LIMIT ?", (max_samples,)
                )
            ]
            if not ids:
                return None
            batch_id = str(uuid7())
            db.execute("BEGIN IMMEDIATE")
            try:
                got = db.execute("SELECT value FROM counters WHERE name = 'dropped'").fetchone()
                dropped = int(got[0]) if got else 0
                db.execute(
                    "UPDATE samples SET batch_id = ? WHERE batch_id IS NULL AND id BETWEEN ? AND ?",
                    (batch_id, ids[0], ids[-1]),
                )
                db.execute(
                    "INSERT INTO batches (batch_id, first_id, dropped) VALUES (?, ?, ?)",
                    (batch_id, ids[0], dropped),
                )
                db.execute("DELETE FROM counters WHERE name = 'dropped'")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return self._load(batch_id, dropped)

    def _load(self, batch_id: str, dropped: int) -> SpooledBatch:
        bodies = self._db.execute("SELECT body FROM samples WHERE batch_id = ? ORDER BY id", (batch_id,))
        return SpooledBatch(UUID(batch_id), [self._decoder.decode(b[0]) for b in bodies], dropped)

    def ack(self, batch_id: UUID) -> int:
        """The API has the batch: delete it; returns how many samples it held."""
        key = str(batch_id)
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                n, size = db.execute(
                    "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM samples WHERE batch_id = ?", (key,)
                ).fetchone()
                db.execute("DELETE FROM samples WHERE batch_id = ?", (key,))
                db.execute("DELETE FROM batches WHERE batch_id = ?", (key,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self.bytes -= int(size)
            self.count -= int(n)
            return int(n)
