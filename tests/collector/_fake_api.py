"""A tiny HTTP/1.1 ingest endpoint on loopback that behaves like the API's, with fault switches."""

from __future__ import annotations

import asyncio
import contextlib
import json
from uuid import UUID

import msgspec

from backend.collector.protocol import INGEST_PATH, IngestBatch, IngestResult


class FakeIngestApi:
    """Stores batches once per batch id; ``status`` forces an answer, ``drop_responses`` loses
    that many answers after storing the batch (the connection is closed instead)."""

    def __init__(self, port: int, token: str = "secret-token") -> None:
        self.port = port
        self.token = token
        self.status: int | None = None
        self.drop_responses = 0
        self.batches: dict[UUID, IngestBatch] = {}
        self.order: list[UUID] = []
        self.attempts: list[UUID | None] = []
        self.auth_headers: list[str] = []
        self.content_types: list[str] = []
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.arrived = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def samples(self) -> list[msgspec.Struct]:
        return [s for b in self.order for s in self.batches[b].samples]

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            for writer in list(self._writers):
                writer.close()
            await server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                status, payload = self._answer(method, path, headers, body)
                if status == 0:
                    writer.close()
                    return
                writer.write(
                    f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n"
                    f"content-length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if method != "POST" or path != INGEST_PATH:
            return 404, b"{}"
        self.auth_headers.append(headers.get("authorization", ""))
        self.content_types.append(headers.get("content-type", ""))
        if headers.get("authorization") != f"Bearer {self.token}":
            self.attempts.append(None)
            return 401, json.dumps({"detail": "bad collector token"}).encode()
        batch = msgspec.json.decode(body, type=IngestBatch)
        self.attempts.append(batch.batch_id)
        if self.status is not None:
            return self.status, json.dumps({"detail": "forced"}).encode()
        duplicate = batch.batch_id in self.batches
        if not duplicate:
            self.batches[batch.batch_id] = batch
            self.order.append(batch.batch_id)
            self.arrived.set()
        if self.drop_responses > 0:
            self.drop_responses -= 1
            return 0, b""
        result = IngestResult(
            batch_id=batch.batch_id, accepted=0 if duplicate else len(batch.samples), duplicate=duplicate
        )
        return 200, msgspec.json.encode(result)
