"""Sends spooled batches to the API, in order, one at a time, never dropping one.

``POST {api.url}/api/ingest/batches`` with ``Authorization: Bearer <token>`` and the JSON
``IngestBatch``. A 2xx answer (also ``duplicate: true``) or a 409 (the API already has this batch
id) deletes the batch from the spool. A network error or 5xx keeps it and retries after an
exponential backoff with jitter; any other 4xx is logged as an error (it needs a human: a revoked
token, a contract mismatch) and retried the same way: data is never thrown away here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import httpx
import msgspec

from backend.collector.backoff import Backoff
from backend.collector.config import ApiConfig
from backend.collector.protocol import INGEST_PATH, IngestBatch, decode_result, encode_batch
from backend.collector.spool import Spool, SpooledBatch

log = logging.getLogger(__name__)


@dataclass
class SinkStats:
    sent_batches: int = 0
    sent_samples: int = 0
    duplicates: int = 0
    failures: int = 0
    last_error: str = ""


class Sink:
    """The sender task: ``run`` loops until cancelled; ``wake`` nudges it when samples arrive."""

    def __init__(
        self, api: ApiConfig, spool: Spool, collector: str, client: httpx.AsyncClient | None = None
    ) -> None:
        self.api = api
        self.spool = spool
        self.collector = collector
        self.url = api.url.rstrip("/") + INGEST_PATH
        self.stats = SinkStats()
        self._client = client
        self._wake = asyncio.Event()
        self._backoff = Backoff(min(0.2, api.retry_max_ms / 1000), api.retry_max_ms / 1000)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        own = self._client is None
        client = self._client or httpx.AsyncClient(timeout=self.api.timeout_s)
        try:
            while True:
                batch = await self._next_batch()
                if batch is None:
                    continue
                if await self.send(client, batch):
                    self._backoff.reset()
                else:
                    await asyncio.sleep(self._backoff.next_delay())
        finally:
            if own:
                await client.aclose()

    async def _next_batch(self) -> SpooledBatch | None:
        size = self.api.batch_size
        if not await asyncio.to_thread(self.spool.has_cut_batch):
            pending = await asyncio.to_thread(self.spool.pending)
            if pending < size:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.api.send_interval_ms / 1000)
        return await asyncio.to_thread(self.spool.next_batch, size)

    async def send(self, client: httpx.AsyncClient, batch: SpooledBatch) -> bool:
        """POST one batch; True when the API has it (and it left the spool)."""
        body = encode_batch(
            IngestBatch(
                batch_id=batch.batch_id,
                collector=self.collector,
                samples=batch.samples,
                dropped=batch.dropped,
            )
        )
        headers = {"Authorization": f"Bearer {self.api.token}", "Content-Type": "application/json"}
        try:
            response = await client.post(self.url, content=body, headers=headers, timeout=self.api.timeout_s)
        except httpx.HTTPError as exc:
            return self._failed(batch, f"{type(exc).__name__}: {exc}", logging.WARNING)
        status = response.status_code
        if 200 <= status < 300 or status == 409:
            duplicate = status == 409
            if status != 409:
                try:
                    duplicate = decode_result(response.content).duplicate
                except msgspec.DecodeError:
                    log.warning(
                        "ingest answered %d with an unreadable body; batch %s counts as stored",
                        status,
                        batch.batch_id,
                    )
            await asyncio.to_thread(self.spool.ack, batch.batch_id)
            self.stats.sent_batches += 1
            self.stats.sent_samples += len(batch.samples)
            self.stats.duplicates += int(duplicate)
            return True
        level = logging.WARNING if status >= 500 else logging.ERROR
        return self._failed(batch, f"HTTP {status}: {response.text[:300]}", level)

    def _failed(self, batch: SpooledBatch, reason: str, level: int) -> bool:
        self.stats.failures += 1
        self.stats.last_error = reason
        log.log(
            level,
            "ingest of batch %s (%d samples) failed: %s; kept in the spool, retrying",
            batch.batch_id,
            len(batch.samples),
            reason,
        )
        return False
