"""Spool and sender: the API going away, lost responses, refusals; every sample arrives exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
import msgspec

from backend.collector.config import ApiConfig
from backend.collector.protocol import decode_batch, encode_batch
from backend.collector.runtime import Collector
from backend.collector.sample import Sample
from backend.collector.simulate.modbus_server import ModbusPlantServer
from backend.collector.sink import Sink
from backend.collector.spool import Spool
from tests.collector._fake_api import FakeIngestApi
from tests.collector.conftest import eventually, make_config, modbus_source, sending

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def samples(start: int, count: int) -> list[Sample]:
    return [
        Sample(
            tag="M1.good",
            asset="M1",
            role="good_count",
            value=i,
            quality="good",
            source_ts=None,
            collector_ts=NOW,
            source="src",
            seq=i,
        )
        for i in range(start, start + count)
    ]


def api_config(api: FakeIngestApi, token: str = "secret-token") -> ApiConfig:
    return ApiConfig(
        url=api.url, token=token, batch_size=10, send_interval_ms=20, timeout_s=1.0, retry_max_ms=100
    )


def _seqs(api: FakeIngestApi) -> list[int]:
    return [s.seq for s in api.samples]  # type: ignore[attr-defined]


async def test_samples_spooled_while_the_api_is_down_arrive_once_in_order(
    modbus_server: ModbusPlantServer, ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    await ingest_api.stop()
    config = make_config(
        modbus_source(modbus_server.host, modbus_server.port), tmp_path, api_url=ingest_api.url
    )
    collector = Collector(config)
    task = asyncio.create_task(collector.run())
    try:
        for value in range(1, 31):
            await modbus_server.set_value("holding_registers", 1, value, "uint32", "ABCD")
            await eventually(lambda v=value: collector.emitters["mb"].emitted >= v + 1)  # type: ignore[misc]
        await eventually(lambda: collector.sink.stats.failures >= 2)
        assert ingest_api.batches == {}
        await ingest_api.start()
        await eventually(lambda: any(s.value == 30 for s in ingest_api.samples))  # type: ignore[attr-defined]
        await eventually(lambda: collector.spool.count == 0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    good = [s.value for s in ingest_api.samples if s.tag == "mb.M1.good"]  # type: ignore[attr-defined]
    assert good == list(range(1, 31))
    assert _seqs(ingest_api) == list(range(len(ingest_api.samples)))


async def test_a_resend_after_a_lost_response_reuses_the_batch_id(
    ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 25))
    ingest_api.drop_responses = 1
    async with sending(Sink(api_config(ingest_api), spool, "c1")) as sink:
        await eventually(lambda: spool.count == 0)
    assert ingest_api.attempts[0] == ingest_api.attempts[1]
    assert len(ingest_api.attempts) == 4
    assert sink.stats.duplicates == 1
    assert _seqs(ingest_api) == list(range(25))


async def test_a_server_error_keeps_the_batch_until_the_api_accepts_it(
    ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 5))
    ingest_api.status = 503
    async with sending(Sink(api_config(ingest_api), spool, "c1")) as sink:
        await eventually(lambda: sink.stats.failures >= 3)
        assert spool.count == 5
        ingest_api.status = None
        await eventually(lambda: spool.count == 0)
    assert len(set(ingest_api.attempts)) == 1
    assert _seqs(ingest_api) == list(range(5))


async def test_a_refused_token_keeps_the_batch_and_retries(ingest_api: FakeIngestApi, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 5))
    async with sending(Sink(api_config(ingest_api, token="revoked"), spool, "c1")) as sink:
        await eventually(lambda: sink.stats.failures >= 2)
        assert "HTTP 401" in sink.stats.last_error
        assert spool.count == 5
        ingest_api.token = "revoked"
        await eventually(lambda: spool.count == 0)
    assert _seqs(ingest_api) == list(range(5))


async def test_a_409_counts_as_already_stored(ingest_api: FakeIngestApi, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 5))
    ingest_api.status = 409
    async with sending(Sink(api_config(ingest_api), spool, "c1")):
        await eventually(lambda: spool.count == 0)
    assert len(ingest_api.attempts) == 1


async def test_batches_carry_the_bearer_token_and_the_json_contract(
    ingest_api: FakeIngestApi, tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 3))
    async with sending(Sink(api_config(ingest_api), spool, "line-7")):
        await eventually(lambda: spool.count == 0)
    assert ingest_api.auth_headers == ["Bearer secret-token"]
    assert ingest_api.content_types == ["application/json"]
    batch = next(iter(ingest_api.batches.values()))
    assert batch.collector == "line-7"
    assert batch.dropped == 0
    assert decode_batch(encode_batch(batch)) == batch


async def test_the_dropped_count_reaches_the_api(ingest_api: FakeIngestApi, tmp_path: Path) -> None:
    one = len(msgspec.msgpack.encode(samples(0, 1)[0]))
    spool = Spool(tmp_path / "s.db", max_bytes=max(4096, one * 40), chunk_size=10)
    for start in range(0, 400, 20):
        spool.append(samples(start, 20))
    dropped = spool.dropped_total
    assert dropped > 0
    async with sending(Sink(api_config(ingest_api), spool, "c1")):
        await eventually(lambda: spool.count == 0)
    batches = [ingest_api.batches[b] for b in ingest_api.order]
    assert sum(b.dropped for b in batches) == dropped
    assert _seqs(ingest_api) == list(range(dropped, 400))


async def test_the_sender_uses_an_injected_http_client(ingest_api: FakeIngestApi, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 2))
    async with httpx.AsyncClient() as client:
        async with sending(Sink(api_config(ingest_api), spool, "c1", client)) as sink:
            await eventually(lambda: spool.count == 0)
        assert not client.is_closed
    assert sink.stats.sent_samples == 2
