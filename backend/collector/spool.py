"""Durable on-disk FIFO of samples, in SQLite.

Durability: WAL journal with ``synchronous=FULL``: samples are spooled once ``append`` returns and
survive a ``kill -9`` of the collector and a power cut (one fsync per append, not per sample).
Each append is stored as chunks of at most ``chunk_size`` samples (one msgpack row each, in
arrival order), which keeps the cost per sample low.

Batches: ``next_batch`` returns the oldest batch already cut, if any, else cuts a new one from the
oldest unassigned chunks (at most ``max_samples`` samples) and stores the assignment with a fresh
UUIDv7 in the same transaction. A batch that was sent but not acknowledged (lost response, crash)
is therefore re-sent with the same id and the same samples; ``ack`` deletes it. Batches are handed
out strictly in order.

Bound: ``max_bytes`` bounds the stored sample payload. Only when an append pushes it past the
bound are the oldest samples dropped (a whole batch at a time once they have been cut, so a
re-sent batch never changes); the dropped count is logged and carried in the next batch cut.
"""

from __future__ import annotations

import logging
import math
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
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT,
    n INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_batch ON chunks (batch_id);
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


def read_samples(path: str | Path) -> list[Sample]:
    """Every sample in the spool file at ``path``, oldest first (read-only; for tools and tests)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT body FROM chunks ORDER BY id").fetchall()
    finally:
        db.close()
    decoder = msgspec.msgpack.Decoder(list[Sample])
    return [s for (body,) in rows for s in decoder.decode(body)]


class Spool:
    """Thread-safe (one lock); call the blocking methods through ``asyncio.to_thread``."""

    def __init__(self, path: str | Path, max_bytes: int, chunk_size: int = 1000) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.chunk_size = chunk_size
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._encoder = msgspec.msgpack.Encoder()
        self._decoder = msgspec.msgpack.Decoder(list[Sample])
        row = self._db.execute(
            "SELECT COALESCE(SUM(LENGTH(body)), 0), COALESCE(SUM(n), 0) FROM chunks"
        ).fetchone()
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
        if not items:
            return 0
        size = self.chunk_size
        rows = [
            (len(part), self._encoder.encode(part))
            for part in (items[i : i + size] for i in range(0, len(items), size))
        ]
        seqs: dict[str, int] = {}
        for s in items:
            if s.seq >= seqs.get(s.source, 0):
                seqs[s.source] = s.seq + 1
        added = sum(len(r[1]) for r in rows)
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT INTO chunks (n, body) VALUES (?, ?)", rows)
                db.executemany(
                    "INSERT INTO source_seq (source, next_seq) VALUES (?, ?) "
                    "ON CONFLICT (source) DO UPDATE SET next_seq = MAX(next_seq, excluded.next_seq)",
                    list(seqs.items()),
                )
                dropped, removed, freed = self._enforce_bound(self.bytes + added)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self.bytes += added - freed
            self.count += len(items) - removed
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
        """Drop the oldest samples until the payload fits; returns (dropped to report, removed, bytes)."""
        db = self._db
        dropped = removed = freed = 0
        while total - freed > self.max_bytes:
            head = db.execute(
                "SELECT id, batch_id, n, LENGTH(body) FROM chunks ORDER BY id LIMIT 1"
            ).fetchone()
            if head is None:
                break
            chunk_id, batch_id, n, size = int(head[0]), head[1], int(head[2]), int(head[3])
            if batch_id is not None:
                n, size = db.execute(
                    "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(LENGTH(body)), 0) FROM chunks WHERE batch_id = ?",
                    (batch_id,),
                ).fetchone()
                carried = db.execute("SELECT dropped FROM batches WHERE batch_id = ?", (batch_id,)).fetchone()
                db.execute("DELETE FROM chunks WHERE batch_id = ?", (batch_id,))
                db.execute("DELETE FROM batches WHERE batch_id = ?", (batch_id,))
                dropped += int(n) + (int(carried[0]) if carried else 0)
                removed += int(n)
                freed += int(size)
                continue
            need = total - freed - self.max_bytes
            if size <= need or n == 1:
                db.execute("DELETE FROM chunks WHERE id = ?", (chunk_id,))
                dropped, removed, freed = dropped + n, removed + n, freed + size
                continue
            cut = min(n - 1, max(1, math.ceil(need * n / size)))
            body = db.execute("SELECT body FROM chunks WHERE id = ?", (chunk_id,)).fetchone()[0]
            rest = self._encoder.encode(self._decoder.decode(body)[cut:])
            db.execute("UPDATE chunks SET n = ?, body = ? WHERE id = ?", (n - cut, rest, chunk_id))
            dropped, removed, freed = dropped + cut, removed + cut, freed + size - len(rest)
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
            row = self._db.execute("SELECT COALESCE(SUM(n), 0) FROM chunks WHERE batch_id IS NULL").fetchone()
            return int(row[0])

    def has_cut_batch(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM batches LIMIT 1").fetchone() is not None

    def next_batch(self, max_samples: int) -> SpooledBatch | None:
        """The oldest cut batch, else a new batch of up to ``max_samples`` (at least one chunk);
        None when the spool is empty."""
        with self._lock:
            db = self._db
            row = db.execute("SELECT batch_id, dropped FROM batches ORDER BY first_id LIMIT 1").fetchone()
            if row is not None:
                return self._load(row[0], int(row[1]))
            ids: list[int] = []
            total = 0
            for chunk_id, n in db.execute("SELECT id, n FROM chunks WHERE batch_id IS NULL ORDER BY id"):
                if ids and total + int(n) > max_samples:
                    break
                ids.append(int(chunk_id))
                total += int(n)
            if not ids:
                return None
            batch_id = str(uuid7())
            db.execute("BEGIN IMMEDIATE")
            try:
                got = db.execute("SELECT value FROM counters WHERE name = 'dropped'").fetchone()
                dropped = int(got[0]) if got else 0
                db.execute(
                    "UPDATE chunks SET batch_id = ? WHERE batch_id IS NULL AND id BETWEEN ? AND ?",
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
        rows = self._db.execute("SELECT body FROM chunks WHERE batch_id = ? ORDER BY id", (batch_id,))
        samples = [s for (body,) in rows for s in self._decoder.decode(body)]
        return SpooledBatch(UUID(batch_id), samples, dropped)

    def ack(self, batch_id: UUID) -> int:
        """The API has the batch: delete it; returns how many samples it held."""
        key = str(batch_id)
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                n, size = db.execute(
                    "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(LENGTH(body)), 0) FROM chunks WHERE batch_id = ?",
                    (key,),
                ).fetchone()
                db.execute("DELETE FROM chunks WHERE batch_id = ?", (key,))
                db.execute("DELETE FROM batches WHERE batch_id = ?", (key,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self.bytes -= int(size)
            self.count -= int(n)
            return int(n)
