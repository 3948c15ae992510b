"""The collector process: one supervised task per source, a spool writer, and the sender.

Source supervision: an adapter runs until it raises ``AdapterError``; the source then emits its
stale markers and waits an exponential backoff with jitter before the next attempt. A source whose
last ``demote_after`` attempts all failed before connecting is demoted: skipped for ``demote_s``
seconds. Sources run in separate tasks, so a slow or dead one never holds up the others.

Samples flow ``adapter → Emitter → buffer → Spool (every flush_interval_ms) → Sink → API``.
Only what reached the spool survives a crash; the buffer holds at most one flush interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from backend.collector.adapters.base import AdapterError
from backend.collector.adapters.registry import build_adapter
from backend.collector.backoff import Backoff
from backend.collector.config import CollectorConfig, SourceConfig, load_config
from backend.collector.emitter import Emitter
from backend.collector.sample import Sample
from backend.collector.sink import Sink
from backend.collector.spool import Spool
from backend.lib.heap import freeze_startup_heap

log = logging.getLogger(__name__)


@dataclass
class SourceStatus:
    """What the runtime knows about one source (exposed for health output and tests)."""

    name: str
    connected: bool = False
    sessions: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    demoted_until: float = 0.0
    last_error: str = ""
    stale_markers: int = 0
    history: list[str] = field(default_factory=list)

    @property
    def demoted(self) -> bool:
        return time.monotonic() < self.demoted_until


class Collector:
    """Runs every enabled source of a config until cancelled."""

    def __init__(self, config: CollectorConfig, *, http_client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self.spool = Spool(config.spool.path, config.spool.max_bytes, chunk_size=config.api.batch_size)
        self.sink = Sink(config.api, self.spool, config.collector.name, http_client)
        self.status: dict[str, SourceStatus] = {}
        self.emitters: dict[str, Emitter] = {}
        self._buffer: list[Sample] = []
        self._flush_now = asyncio.Event()
        self._inflight: asyncio.Future[int] | None = None
        self.spooled = 0
        first_seq = self.spool.next_seq()
        for source in config.sources:
            self.status[source.name] = SourceStatus(source.name)
            self.emitters[source.name] = Emitter(
                source.name,
                source.tags,
                self._push,
                first_seq=first_seq.get(source.name, 0),
                heartbeat_s=config.collector.heartbeat_s,
                on_connected=self._on_connected(source.name),
            )

    def _push(self, sample: Sample) -> None:
        self._buffer.append(sample)
        if len(self._buffer) >= 5000:
            self._flush_now.set()

    async def run(self) -> None:
        """Run until cancelled; flushes the buffer to the spool on the way out."""
        freeze_startup_heap()
        tasks = [
            asyncio.create_task(self._supervise(s), name=f"source:{s.name}")
            for s in self.config.sources
            if s.enabled
        ]
        tasks.append(asyncio.create_task(self._flush_loop(), name="spool-writer"))
        tasks.append(asyncio.create_task(self.sink.run(), name="sink"))
        tasks.append(asyncio.create_task(self._heartbeat_loop(), name="heartbeat"))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self._inflight is not None:
                await asyncio.gather(self._inflight, return_exceptions=True)
            await asyncio.to_thread(self.flush)
            self.spool.close()

    def flush(self) -> int:
        """Write buffered samples to the spool (blocking); returns how many."""
        batch, self._buffer = self._buffer, []
        if batch:
            self.spool.append(batch)
            self.spooled += len(batch)
        return len(batch)

    async def _flush_loop(self) -> None:
        interval = self.config.collector.flush_interval_ms / 1000
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._flush_now.wait(), interval)
            self._flush_now.clear()
            self._inflight = asyncio.ensure_future(asyncio.to_thread(self.flush))
            if await asyncio.shield(self._inflight):
                self.sink.wake()

    async def _heartbeat_loop(self) -> None:
        period = min(1.0, self.config.collector.heartbeat_s / 4)
        while True:
            await asyncio.sleep(period)
            for emitter in self.emitters.values():
                emitter.heartbeat()

    async def _supervise(self, source: SourceConfig) -> None:
        cfg = self.config.collector
        status = self.status[source.name]
        emitter = self.emitters[source.name]
        backoff = Backoff(cfg.reconnect_initial_ms / 1000, cfg.reconnect_max_ms / 1000)
        while True:
            adapter = build_adapter(source)
            try:
                await adapter.run(emitter)
                error = "adapter stopped"
            except AdapterError as exc:
                error = str(exc)
            except Exception as exc:
                log.exception("source %s: unexpected error", source.name)
                error = f"{type(exc).__name__}: {exc}"
            had_session = emitter.is_connected
            status.connected = False
            status.failures += 1
            status.last_error = error
            status.stale_markers += emitter.mark_stale()
            if had_session:
                status.sessions += 1
                status.consecutive_failures = 0
                backoff.reset()
                status.history.append("lost")
                log.warning("source %s: connection lost: %s", source.name, error)
            else:
                status.consecutive_failures += 1
                status.history.append("failed")
                log.warning(
                    "source %s: connect failed (%d in a row): %s",
                    source.name,
                    status.consecutive_failures,
                    error,
                )
            if status.consecutive_failures >= cfg.demote_after:
                status.demoted_until = time.monotonic() + cfg.demote_s
                status.consecutive_failures = 0
                status.history.append("demoted")
                log.error(
                    "source %s: demoted for %.0fs after %d failed attempts",
                    source.name,
                    cfg.demote_s,
                    cfg.demote_after,
                )
                await asyncio.sleep(cfg.demote_s)
                backoff.reset()
                continue
            await asyncio.sleep(backoff.next_delay())

    def _on_connected(self, name: str) -> Callable[[], None]:
        def connected() -> None:
            status = self.status[name]
            status.connected = True
            status.consecutive_failures = 0
            status.history.append("connected")
            log.info("source %s: connected", name)

        return connected


async def run_collector(config_path: str | Path) -> None:
    """Entry point of ``gemba collector --config plant.toml``: run until cancelled or until
    SIGTERM/SIGINT, then write what is buffered to the spool and return."""
    config = load_config(config_path)
    collector = Collector(config)
    log.info(
        "collector %s: %d sources, spool %s, sending to %s",
        config.collector.name,
        len(config.sources),
        config.spool.path,
        config.api.url,
    )
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, task.cancel)
    try:
        await collector.run()
    except asyncio.CancelledError:
        log.info(
            "collector %s stopped; %d samples left in the spool", config.collector.name, collector.spool.count
        )
