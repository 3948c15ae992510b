"""Turns adapter readings into ``Sample``s: sequence numbers, report-by-exception, stale markers.

One ``Emitter`` per source, owned by the runtime, so it outlives every reconnect: ``seq`` keeps
increasing (and starts after the last value the spool saw for the source, so a restarted collector
never reuses one). A value is passed on when it differs from the tag's last one (value, type or
quality) or when the tag has been silent for ``heartbeat_s``. ``mark_stale`` emits exactly one
``stale`` sample (value None) per tag that is not stale already.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from backend.collector.adapters.base import TagBase
from backend.collector.sample import Quality, Sample, Value

Clock = Callable[[], datetime]
# What the emitter remembers per tag: value, its type, quality, source_ts, monotonic time sent.
_Last = tuple[Value, type, Quality, datetime | None, float]


def utc_now() -> datetime:
    return datetime.now(UTC)


class MillisecondClock:
    """UTC now, truncated to the millisecond, built at most once per millisecond (cheap per sample)."""

    def __init__(self) -> None:
        self._ms = -1
        self._now = datetime.now(UTC)

    def __call__(self) -> datetime:
        ms = time.time_ns() // 1_000_000
        if ms != self._ms:
            self._ms = ms
            self._now = datetime.fromtimestamp(ms / 1000, UTC)
        return self._now


class Emitter:
    """The ``SampleOutput`` of one source."""

    def __init__(
        self,
        source: str,
        tags: Sequence[TagBase],
        push: Callable[[Sample], None],
        *,
        first_seq: int = 0,
        heartbeat_s: float = 60.0,
        report_by_exception: bool = True,
        clock: Clock | None = None,
        on_connected: Callable[[], None] | None = None,
    ) -> None:
        self.source = source
        self.tags = list(tags)
        self.push = push
        self.seq = first_seq
        self.heartbeat_s = heartbeat_s
        self.report_by_exception = report_by_exception
        self.clock: Clock = clock or MillisecondClock()
        self.on_connected = on_connected
        self.is_connected = False
        self.emitted = 0
        self._last: dict[str, _Last] = {}
        self._by_name = {t.name: t for t in self.tags}

    def connected(self) -> None:
        self.is_connected = True
        if self.on_connected is not None:
            self.on_connected()

    def emit(
        self, tag: TagBase, value: Value, quality: Quality = "good", source_ts: datetime | None = None
    ) -> None:
        now = time.monotonic()
        name = tag.name
        if self.report_by_exception:
            last = self._last.get(name)
            if (
                last is not None
                and last[0] == value
                and last[1] is type(value)
                and last[2] == quality
                and now - last[4] < self.heartbeat_s
            ):
                return
        self._last[name] = (value, type(value), quality, source_ts, now)
        self._push(tag, value, quality, source_ts)

    def mark_stale(self) -> int:
        """One stale marker per tag not already stale; returns how many were emitted."""
        self.is_connected = False
        now = time.monotonic()
        count = 0
        for tag in self.tags:
            last = self._last.get(tag.name)
            if last is not None and last[2] == "stale":
                continue
            self._last[tag.name] = (None, type(None), "stale", None, now)
            self._push(tag, None, "stale", None)
            count += 1
        return count

    def heartbeat(self) -> int:
        """Re-emit the values of tags silent for ``heartbeat_s`` (not while disconnected)."""
        if not self.is_connected:
            return 0
        now = time.monotonic()
        count = 0
        for name, (value, kind, quality, source_ts, at) in list(self._last.items()):
            if quality != "stale" and now - at >= self.heartbeat_s:
                self._last[name] = (value, kind, quality, source_ts, now)
                self._push(self._by_name[name], value, quality, source_ts)
                count += 1
        return count

    def _push(self, tag: TagBase, value: Value, quality: Quality, source_ts: datetime | None) -> None:
        seq = self.seq
        self.seq = seq + 1
        self.emitted += 1
        self.push(
            Sample(
                tag=tag.name,
                asset=tag.asset,
                role=tag.role,
                value=value,
                quality=quality,
                source_ts=source_ts,
                collector_ts=self.clock(),
                source=self.source,
                seq=seq,
            )
        )
