"""The commit-ordered pull cursor: encoding, where a pull resumes, and how pages are cut.

Design (see PROTOCOL.md, "Cursor"): every committed row change gets a change id **at commit time,
in commit order** (one sequencing step at the very end of each write transaction: SQLite has a
single writer; on PostgreSQL an `UPDATE sync_clock SET last = last + n RETURNING last` as the last
statement holds the clock row's lock until commit). Hence every snapshot sees exactly the ids
`1..watermark` and nothing at or below the watermark can appear later: a cursor that remembers
"seen up to change id C" never skips a late commit. An `updated_at` timestamp or a sequence drawn
*during* the transaction does not have that property: a transaction that drew 10 may commit after
one that drew 11, after a pull already moved its cursor to 11.

A cursor is opaque to the client: `"c1." + base64url(JSON array)`, with the fields below.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import msgspec

from sync.messages import ResetReason
from sync.store import ChangeRef, RowKey

CURSOR_PREFIX: Final = "c1."
Phase = Literal["snapshot", "log"]


class Cursor(msgspec.Struct, frozen=True, array_like=True):
    epoch: str
    """The server history it belongs to (changes when the database is restored)."""
    schema_version: int
    scope: str
    """Fingerprint of the device's scope keys when the sequence started."""
    phase: Phase
    """`snapshot`: scanning all rows in scope by key; `log`: reading the change log."""
    change_id: int
    """`log`: every change up to this id has been delivered. `snapshot`: the watermark the scan
    started at; the log is read from there once the scan ends."""
    after_entity: str | None = None
    after_id: str | None = None
    """`snapshot`: the scan resumes strictly after this row key."""

    @property
    def after(self) -> RowKey | None:
        if self.after_entity is None or self.after_id is None:
            return None
        return (self.after_entity, self.after_id)


_cursor_decoder: Final = msgspec.json.Decoder(Cursor)


def encode_cursor(cursor: Cursor) -> str:
    raw = base64.urlsafe_b64encode(msgspec.json.encode(cursor)).rstrip(b"=")
    return CURSOR_PREFIX + raw.decode("ascii")


def decode_cursor(token: str) -> Cursor | None:
    """The cursor, or None when the token is not one this server can read (then start over)."""
    if not token.startswith(CURSOR_PREFIX):
        return None
    body = token[len(CURSOR_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return _cursor_decoder.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        return None


def scope_fingerprint(scope: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(set(scope))).encode("utf-8")).hexdigest()
    return digest[:32]


def is_behind(cursor: Cursor, horizon: int) -> bool:
    """Changes the cursor still needs may have been pruned."""
    return cursor.change_id < horizon


def is_ahead(cursor: Cursor, watermark: int) -> bool:
    """The cursor saw changes this server does not have: its history went back in time."""
    return cursor.change_id > watermark


@dataclass(frozen=True, slots=True)
class Position:
    """Where a pull continues, and whether it starts a new sequence (emit `Clear`, `reset=true`)."""

    phase: Phase
    change_id: int
    after: RowKey | None
    reset: bool


def fresh_snapshot(watermark: int) -> Position:
    return Position(phase="snapshot", change_id=watermark, after=None, reset=True)


def resume(
    token: str | None,
    *,
    epoch: str,
    schema_version: int,
    scope: str,
    watermark: int,
    horizon: int,
) -> Position | ResetReason:
    """Decide how a pull with cursor `token` continues, given the snapshot's watermark and horizon.

    No or unreadable cursor, another scope or schema → a fresh snapshot (reset). Another epoch, or
    a cursor beyond the watermark (the server went back in time) → `ResetRequired`. A log cursor
    older than the retention horizon → `ResetRequired("retention")`. A snapshot sequence whose
    catch-up point fell behind the horizon silently restarts (its pages were never revealed).
    """
    cursor = None if token is None else decode_cursor(token)
    if cursor is None:
        return fresh_snapshot(watermark)
    if cursor.epoch != epoch:
        return "epoch"
    if is_ahead(cursor, watermark):
        return "cursor_ahead"
    if cursor.scope != scope or cursor.schema_version != schema_version:
        return fresh_snapshot(watermark)
    if cursor.phase == "log":
        if is_behind(cursor, horizon):
            return "retention"
        return Position(phase="log", change_id=cursor.change_id, after=None, reset=False)
    if is_behind(cursor, horizon):
        return fresh_snapshot(watermark)
    return Position(phase="snapshot", change_id=cursor.change_id, after=cursor.after, reset=False)


@dataclass(frozen=True, slots=True)
class PageCut:
    keys: list[RowKey]
    """Each changed row once, in the order of its last change within the page."""
    next_after: int
    complete: bool
    """True when the page reaches the watermark: the sequence ends (`has_more = false`)."""


def cut_page(refs: Sequence[ChangeRef], *, limit: int, after: int, watermark: int) -> PageCut:
    """Cut one log page from `refs`, the store's answer to `changes_after(after, limit)`.

    Fewer than `limit` entries means the store had nothing more up to the watermark, so the cursor
    jumps to the watermark (entries out of scope are skipped for good). Otherwise the cursor stops
    at the last entry read and the next page continues from there.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(refs) > limit:
        raise ValueError("the store returned more entries than asked")
    previous = after
    ordered: dict[RowKey, None] = {}
    for ref in refs:
        if not (previous < ref.change_id <= watermark):
            raise ValueError(f"change ids out of order or beyond the watermark at {ref.change_id}")
        previous = ref.change_id
        ordered.pop(ref.key, None)
        ordered[ref.key] = None
    if len(refs) < limit:
        return PageCut(keys=list(ordered), next_after=watermark, complete=True)
    last = refs[-1].change_id
    return PageCut(keys=list(ordered), next_after=last, complete=last >= watermark)
