"""Modbus adapter: poll the planned reads, decode, scale, and emit one sample per tag."""

from __future__ import annotations

import asyncio
import math
import struct
import time
from collections.abc import Sequence

from backend.collector.adapters.base import AdapterError, SampleOutput
from backend.collector.adapters.modbus.client import ModbusConnection
from backend.collector.adapters.modbus.codec import CodecError, decoder
from backend.collector.adapters.modbus.config import ModbusSource, ModbusTag
from backend.collector.adapters.modbus.planner import PlannedRead, plan_reads
from backend.collector.sample import Quality, Value


def engineering_value(
    tag: ModbusTag, raw: Sequence[int] | Sequence[bool], offset: int = 0
) -> tuple[Value, Quality]:
    """The scaled value of ``tag`` from its raw registers or bit, with its quality.

    float32 values are rounded to the 7 significant digits the type carries (123.456, not
    123.45600128173828); NaN and infinities have no value and ``bad`` quality.
    """
    if tag.data_type == "bool":
        return bool(raw[offset]), "good"
    try:
        value = decoder(tag.data_type, tag.byte_order)(raw, offset)
    except (CodecError, struct.error, IndexError):
        return None, "bad"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, "bad"
        if tag.data_type == "float32":
            value = float(f"{value:.7g}")
    if tag.scale == 1.0 and tag.offset == 0.0:
        return value, "good"
    return value * tag.scale + tag.offset, "good"


class ModbusAdapter:
    """Polls one Modbus TCP device every ``poll_interval_ms``."""

    def __init__(self, source: ModbusSource) -> None:
        self.source = source
        self.plan: list[PlannedRead] = plan_reads(source.tags, source.max_gap)
        self.cycles = 0
        self._last_reply: dict[tuple[str, int], list[int] | list[bool]] = {}

    async def run(self, out: SampleOutput) -> None:
        src = self.source
        conn = ModbusConnection(src.host, src.port, src.unit_id, src.timeout_s)
        try:
            await conn.connect()
            out.connected()
            await self._poll_forever(conn, out)
        finally:
            conn.close()

    async def _poll_forever(self, conn: ModbusConnection, out: SampleOutput) -> None:
        """Poll every ``poll_interval_ms``; a changed reply is decoded while the next request is on
        the wire (still one request in flight), which matters at short intervals."""
        interval = self.source.poll_interval_ms / 1000
        previous: tuple[PlannedRead, list[int] | list[bool]] | None = None
        while True:
            started = time.monotonic()
            for read in self.plan:
                if previous is not None and not self._news(out, *previous):
                    previous = None
                if previous is None:
                    values = await conn.read(read.function, read.address, read.count)
                else:
                    request = asyncio.ensure_future(conn.read(read.function, read.address, read.count))
                    try:
                        self._decode(out, *previous)
                        previous = None
                    finally:
                        values = await request
                previous = (read, values)
            self.cycles += 1
            if interval > 0:
                if previous is not None:
                    self._emit(out, *previous)
                    previous = None
                delay = interval - (time.monotonic() - started)
                await asyncio.sleep(delay if delay > 0 else 0)
            # Back to back (interval 0) every read has already waited on the network: no extra turn.
            elif not self.plan:
                await asyncio.sleep(0.1)

    async def poll_once(self, conn: ModbusConnection, out: SampleOutput) -> None:
        """Run every planned read once and emit its tags."""
        for read in self.plan:
            self._emit(out, read, await conn.read(read.function, read.address, read.count))

    def _emit(self, out: SampleOutput, read: PlannedRead, values: list[int] | list[bool]) -> None:
        if self._news(out, read, values):
            self._decode(out, read, values)

    def _news(self, out: SampleOutput, read: PlannedRead, values: list[int] | list[bool]) -> bool:
        """False for a reply equal to the last one of its read when the output drops repeats: it
        decodes to the values already sent. Polled far faster than a PLC's values change, most
        replies are such, and decoding them would be the poll's main cost."""
        if len(values) != read.count:
            raise AdapterError(f"modbus {self.source.name}: short reply")
        if not out.report_by_exception:
            return True
        key = (read.function, read.address)
        if self._last_reply.get(key) == values:
            return False
        self._last_reply[key] = values
        return True

    def _decode(self, out: SampleOutput, read: PlannedRead, values: list[int] | list[bool]) -> None:
        emit = out.emit
        for tag, offset in read.tags:
            value, quality = engineering_value(tag, values, offset)
            emit(tag, value, quality)
