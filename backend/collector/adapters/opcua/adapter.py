"""OPC UA adapter: map the configured tags to a subscription (or polled reads) and emit samples."""

from __future__ import annotations

import asyncio
import time

from backend.collector.adapters.base import SampleOutput
from backend.collector.adapters.opcua.client import MonitorSpec, Reading, UaConnection
from backend.collector.adapters.opcua.config import OpcUaSource, OpcUaTag


def monitor_spec(source: OpcUaSource, tag: OpcUaTag) -> MonitorSpec:
    """Run bits and counters keep a queue (no edge lost between publishes); analog values use
    queue size 1 and their deadband."""
    if tag.role == "analog":
        queue = tag.queue_size or 1
        deadband = tag.deadband
    else:
        queue = tag.queue_size or source.queue_size
        deadband = None
    return MonitorSpec(tag.node_id, float(source.sampling_interval_ms), queue, deadband)


class OpcUaAdapter:
    """Streams one OPC UA server's tags, by subscription or by polling."""

    def __init__(self, source: OpcUaSource) -> None:
        self.source = source
        self.sessions = 0

    async def run(self, out: SampleOutput) -> None:
        conn = UaConnection(self.source)
        try:
            await conn.open()
            self.sessions += 1
            if self.source.mode == "subscription":
                await self._subscribe(conn, out)
            else:
                await self._poll(conn, out)
        finally:
            await conn.close()

    def _emit(self, out: SampleOutput, readings: list[Reading]) -> None:
        tags = self.source.tags
        for r in readings:
            out.emit(tags[r.index], r.value, r.quality, r.source_ts)

    async def _subscribe(self, conn: UaConnection, out: SampleOutput) -> None:
        specs = [monitor_spec(self.source, t) for t in self.source.tags]
        sub = await conn.subscribe(specs, float(self.source.publishing_interval_ms))
        out.connected()
        for index in sub.failed:
            out.emit(self.source.tags[index], None, "bad")
        wait_s = min(0.25, self.source.keepalive_ms / 4000)
        while True:
            self._emit(out, await sub.next(wait_s))

    async def _poll(self, conn: UaConnection, out: SampleOutput) -> None:
        node_ids = [t.node_id for t in self.source.tags]
        interval = self.source.poll_interval_ms / 1000
        out.connected()
        while True:
            started = time.monotonic()
            self._emit(out, await conn.read(node_ids))
            delay = interval - (time.monotonic() - started)
            await asyncio.sleep(delay if delay > 0 else 0)
