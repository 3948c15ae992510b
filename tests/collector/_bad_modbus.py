"""A raw asyncio Modbus TCP peer that answers wrongly on purpose."""

from __future__ import annotations

import asyncio
import contextlib


class BadModbusServer:
    """``fault`` is one of: ``tid`` (wrong transaction id), ``function`` (wrong function code),
    ``length`` (too few registers), ``garbage`` (random bytes), ``slow`` (answers after
    ``delay_s``), ``ok`` (a correct answer of zeros)."""

    def __init__(self, port: int, fault: str, delay_s: float = 5.0) -> None:
        self.port = port
        self.fault = fault
        self.delay_s = delay_s
        self.requests = 0
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        self.connections += 1
        try:
            while True:
                head = await reader.readexactly(7)
                length = int.from_bytes(head[4:6], "big")
                pdu = await reader.readexactly(length - 1)
                self.requests += 1
                writer.write(await self._reply(head, pdu))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()

    async def _reply(self, head: bytes, pdu: bytes) -> bytes:
        tid = int.from_bytes(head[0:2], "big")
        unit = head[6]
        function = pdu[0]
        count = int.from_bytes(pdu[3:5], "big")
        byte_count = (count + 7) // 8 if function <= 2 else 2 * count
        if self.fault == "tid":
            tid = (tid + 1) & 0xFFFF
        elif self.fault == "function":
            function = 4 if function == 3 else 3
        elif self.fault == "length":
            byte_count = max(0, byte_count - 2)
        elif self.fault == "garbage":
            return bytes(range(7, 40))
        elif self.fault == "slow":
            await asyncio.sleep(self.delay_s)
        body = bytes([function, byte_count]) + bytes(byte_count)
        return (
            tid.to_bytes(2, "big") + b"\x00\x00" + (len(body) + 1).to_bytes(2, "big") + bytes([unit]) + body
        )
