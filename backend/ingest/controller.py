"""`POST /api/ingest/batches`: authenticated by a collector token bound to one site; JSON or msgpack."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import NotAuthorizedException
from sqlalchemy.ext.asyncio import AsyncSession

from backend.collector.protocol import INGEST_PATH, IngestBatch, IngestResult
from backend.domain.machines import services
from backend.domain.machines.services import SampleIn
from backend.lib.clock import Clock
from backend.lib.errors import ValidationFailed

MAX_BODY = 16 * 1024 * 1024


def _decode(body: bytes, content_type: str) -> IngestBatch:
    try:
        if "msgpack" in content_type:
            return msgspec.msgpack.decode(body, type=IngestBatch)
        return msgspec.json.decode(body, type=IngestBatch)
    except msgspec.ValidationError as exc:
        raise ValidationFailed("body", str(exc)) from None
    except msgspec.DecodeError as exc:
        raise ValidationFailed("body", f"not a valid batch: {exc}") from None


class IngestController(Controller):
    path = INGEST_PATH
    tags = ["ingest"]

    @post("/", exclude_from_auth=True, status_code=200, request_max_body_size=MAX_BODY)
    async def ingest(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, clock: Clock
    ) -> IngestResult:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        collector = (
            await services.collector_for_token(db_session, token.strip())
            if scheme.lower() == "bearer"
            else None
        )
        if collector is None:
            raise NotAuthorizedException("a valid collector token is required")
        batch = _decode(await request.body(), request.headers.get("content-type", ""))
        samples = [
            SampleIn(
                tag=s.tag,
                asset=s.asset,
                role=s.role,
                value=s.value,
                quality=s.quality,
                at=s.source_ts or s.collector_ts,
                source=s.source,
                seq=s.seq,
            )
            for s in batch.samples
        ]
        outcome = await services.ingest(db_session, collector, batch.batch_id, samples, batch.dropped, clock)
        return IngestResult(batch_id=outcome.batch_id, accepted=outcome.accepted, duplicate=outcome.duplicate)
