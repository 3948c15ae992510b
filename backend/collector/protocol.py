"""The wire contract between a collector and the API's ingest endpoint.

``POST {api.url}/api/ingest/batches`` with ``Authorization: Bearer <collector token>`` and a JSON
body (``application/json``, encoded with msgspec) holding one ``IngestBatch``. The API answers 2xx
with an ``IngestResult``. The endpoint is idempotent per ``batch_id``: a batch it has already stored
is answered ``duplicate: true`` (or 409) and not stored again, so a resend after a lost response
never double-counts. Fields are only ever appended, with defaults.

This module depends on msgspec and the standard library only, so the API side can import it.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from backend.collector.sample import Sample

INGEST_PATH = "/api/ingest/batches"


class IngestBatch(msgspec.Struct, frozen=True, kw_only=True):
    """A batch of samples as cut by the collector's spool.

    ``batch_id`` is minted once, when the batch is cut, and reused for every resend. ``dropped``
    counts samples the collector's spool discarded (oldest first, only past its size bound) since
    the previous batch was cut.
    """

    batch_id: UUID
    collector: str
    samples: list[Sample]
    dropped: int = 0


class IngestResult(msgspec.Struct, frozen=True, kw_only=True):
    """The API's answer: how many samples of the batch it stored, and whether it had seen it."""

    batch_id: UUID
    accepted: int
    duplicate: bool = False


def encode_batch(batch: IngestBatch) -> bytes:
    """JSON body of a batch."""
    return msgspec.json.encode(batch)


def decode_batch(body: bytes) -> IngestBatch:
    """Parse a JSON body into an ``IngestBatch`` (raises ``msgspec.ValidationError``)."""
    return msgspec.json.decode(body, type=IngestBatch)


def decode_result(body: bytes) -> IngestResult:
    """Parse the API's JSON answer."""
    return msgspec.json.decode(body, type=IngestResult)
