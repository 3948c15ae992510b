"""Modbus adapter: poll the planned reads, decode, scale, and emit one sample per tag."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence

from backend.collector.adapters.base import AdapterError, SampleOutput
from backend.collector.adapters.modbus.client import ModbusConnection
from backend.collector.adapters.modbus.codec import CodecError, decode, register_count
from backend.collector.adapters.modbus.config import ModbusSource, ModbusTag
from backend.collector.adapters.modbus.planner import PlannedRead, plan_reads
from backend.collector.sample import Quality, Value


def engineering_value(tag: ModbusTag, raw: Sequence[int] | Sequence[bool]) -> tuple[Value, Quality]:
    """The scaled value of ``tag`` from its raw registers or bit, with its quality.

    float32 values are rounded to the 7 significant digits the type carries (123.456, not
    123.45600128173828); NaN and infinities have no value and ``bad`` quality.
    """
    if tag.data_type == "bool":
        return bool(raw[0]), "good"
    try:
        value = decode([int(r) for r in raw], tag.data_type, tag.byte_order)
    except CodecError:
        return None, "bad"
    if isinstance(value, float) and not math.isfinite(value):
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

    async def run(self, out: SampleOutput) -> None:
        src = self.source
        conn = ModbusConnection(src.host, src.port, src.unit_id, src.timeout_s)
        try:
            await conn.connect()
            out.connected()
            interval = src.poll_interval_ms / 1000
            while True:
                started = time.monotonic()
                await self.poll_once(conn, out)
                self.cycles += 1
                delay = interval - (time.monotonic() - started)
                await asyncio.sleep(delay if delay > 0 else 0)
        finally:
            conn.close()

    async def poll_once(self, conn: ModbusConnection, out: SampleOutput) -> None:
        """Run every planned read once and emit its tags."""
        for read in self.plan:
            values = await conn.read(read.function, read.address, read.count)
            if len(values) != read.count:
                raise AdapterError(f"modbus {self.source.name}: short reply")
            for tag, offset in read.tags:
                raw = values[offset : offset + register_count(tag.data_type)]
                value, quality = engineering_value(tag, raw)
                out.emit(tag, value, quality)
