"""The durable spool: order, stable batch ids, the size bound and the dropped count."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec

from backend.collector.sample import Sample
from backend.collector.spool import Spool

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def samples(start: int, count: int, source: str = "src") -> list[Sample]:
    return [
        Sample(
            tag="M1.good",
            asset="M1",
            role="good_count",
            value=i,
            quality="good",
            source_ts=None,
            collector_ts=NOW,
            source=source,
            seq=i,
        )
        for i in range(start, start + count)
    ]


def test_batches_come_out_in_append_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 25))
    seen: list[int] = []
    while (batch := spool.next_batch(10)) is not None:
        seen += [s.seq for s in batch.samples]
        spool.ack(batch.batch_id)
    assert seen == list(range(25))
    assert spool.count == 0


def test_an_unacknowledged_batch_is_handed_out_again_with_the_same_id(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 5))
    first = spool.next_batch(10)
    spool.append(samples(5, 5))
    again = spool.next_batch(10)
    assert first is not None and again is not None
    assert again.batch_id == first.batch_id
    assert again.samples == first.samples


def test_a_cut_batch_survives_reopening_with_the_same_id(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 5))
    first = spool.next_batch(10)
    spool.close()
    reopened = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    again = reopened.next_batch(10)
    assert first is not None and again is not None
    assert (again.batch_id, again.samples) == (first.batch_id, first.samples)


def test_past_the_bound_the_oldest_samples_are_dropped_and_counted(tmp_path: Path) -> None:
    one = len(msgspec.msgpack.encode(samples(0, 1)[0]))
    spool = Spool(tmp_path / "s.db", max_bytes=one * 100 + 16, chunk_size=10)
    spool.append(samples(0, 100))
    assert spool.dropped_total == 0
    dropped = spool.append(samples(100, 30))
    assert dropped >= 30
    batch = spool.next_batch(1000)
    assert batch is not None
    assert batch.dropped == dropped
    assert batch.samples[0].seq == dropped
    assert batch.samples[-1].seq == 129


def test_the_dropped_count_is_reported_once(tmp_path: Path) -> None:
    one = len(msgspec.msgpack.encode(samples(0, 1)[0]))
    spool = Spool(tmp_path / "s.db", max_bytes=one * 50 + 16, chunk_size=10)
    spool.append(samples(0, 60))
    first = spool.next_batch(20)
    assert first is not None and first.dropped > 0
    spool.ack(first.batch_id)
    second = spool.next_batch(20)
    assert second is not None and second.dropped == 0


def test_a_cut_batch_is_dropped_whole_when_it_is_the_oldest(tmp_path: Path) -> None:
    one = len(msgspec.msgpack.encode(samples(0, 1)[0]))
    spool = Spool(tmp_path / "s.db", max_bytes=one * 20 + 16, chunk_size=10)
    spool.append(samples(0, 10))
    cut = spool.next_batch(10)
    assert cut is not None
    spool.append(samples(10, 15))
    batch = spool.next_batch(100)
    assert batch is not None
    assert batch.batch_id != cut.batch_id
    assert [s.seq for s in batch.samples] == list(range(10, 25))
    assert batch.dropped == 10


def test_the_next_sequence_number_of_each_source_is_kept(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", 10_000_000, chunk_size=10)
    spool.append(samples(0, 3, "a") + samples(0, 7, "b"))
    batch = spool.next_batch(100)
    assert batch is not None
    spool.ack(batch.batch_id)
    spool.close()
    assert Spool(tmp_path / "s.db", 10_000_000).next_seq() == {"a": 3, "b": 7}


def test_dropping_removes_only_about_as_many_samples_as_needed(tmp_path: Path) -> None:
    one = len(msgspec.msgpack.encode(samples(0, 1)[0]))
    spool = Spool(tmp_path / "s.db", max_bytes=one * 100 + 16, chunk_size=100)
    spool.append(samples(0, 100))
    dropped = spool.append(samples(100, 5))
    assert 5 <= dropped <= 7
    assert spool.count == 105 - dropped
