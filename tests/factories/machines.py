"""Factories for collectors and collector batches."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from backend.collector.protocol import IngestBatch
from backend.collector.sample import Sample
from backend.domain.machines import services
from backend.domain.people.models import Site
from tests.factories import Factory, admin_actor


async def collector_token(factory: Factory, site: Site, name: str = "line collector") -> str:
    _collector, token = await services.create_collector(factory.session, admin_actor(site), site.id, name)
    await factory.commit()
    return token


class SampleSeq:
    """Mints samples of one collector source with increasing sequence numbers."""

    def __init__(self, source: str = "plc-1") -> None:
        self.source = source
        self.seq = 0

    def __call__(
        self,
        asset: str,
        role: str,
        value: Any,
        at: datetime,
        *,
        tag: str | None = None,
        quality: str = "good",
    ) -> Sample:
        self.seq += 1
        return Sample(
            tag=tag or f"{asset}.{role}",
            asset=asset,
            role=role,  # type: ignore[arg-type]
            value=value,
            quality=quality,  # type: ignore[arg-type]
            source_ts=at,
            collector_ts=at,
            source=self.source,
            seq=self.seq,
        )


def batch(*samples: Sample, batch_id: uuid.UUID | None = None, dropped: int = 0) -> IngestBatch:
    return IngestBatch(
        batch_id=batch_id or uuid.uuid4(), collector="test", samples=list(samples), dropped=dropped
    )
