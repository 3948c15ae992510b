"""Report-by-exception, heartbeats, stale markers and sequence numbers."""

from __future__ import annotations

import time

from backend.collector.adapters.base import TagBase
from backend.collector.emitter import Emitter
from backend.collector.sample import Sample

RUN = TagBase(name="M1.run", asset="M1", role="run_state")
GOOD = TagBase(name="M1.good", asset="M1", role="good_count")


def emitter(**kwargs: object) -> tuple[Emitter, list[Sample]]:
    out: list[Sample] = []
    return Emitter("src", [RUN, GOOD], out.append, **kwargs), out  # type: ignore[arg-type]


def test_an_unchanged_value_is_not_emitted_again() -> None:
    em, out = emitter()
    em.emit(GOOD, 5)
    em.emit(GOOD, 5)
    em.emit(GOOD, 6)
    assert [s.value for s in out] == [5, 6]


def test_a_quality_change_is_emitted_even_with_the_same_value() -> None:
    em, out = emitter()
    em.emit(GOOD, 5)
    em.emit(GOOD, 5, "uncertain")
    assert [s.quality for s in out] == ["good", "uncertain"]


def test_true_and_one_are_different_values() -> None:
    em, out = emitter()
    em.emit(RUN, True)
    em.emit(RUN, 1)
    assert len(out) == 2


def test_a_silent_tag_is_re_emitted_after_the_heartbeat() -> None:
    em, out = emitter(heartbeat_s=0.01)
    em.connected()
    em.emit(GOOD, 5)
    time.sleep(0.02)
    assert em.heartbeat() == 1
    assert [s.value for s in out] == [5, 5]


def test_connection_loss_emits_one_stale_marker_per_tag() -> None:
    em, out = emitter()
    em.connected()
    em.emit(GOOD, 5)
    assert em.mark_stale() == 2
    assert em.mark_stale() == 0
    stale = out[1:]
    assert {s.tag for s in stale} == {"M1.run", "M1.good"}
    assert all(s.value is None and s.quality == "stale" for s in stale)


def test_the_first_value_after_a_stale_marker_is_emitted_even_if_unchanged() -> None:
    em, out = emitter()
    em.emit(GOOD, 5)
    em.mark_stale()
    em.emit(GOOD, 5)
    assert [(s.value, s.quality) for s in out if s.tag == "M1.good"] == [
        (5, "good"),
        (None, "stale"),
        (5, "good"),
    ]


def test_sequence_numbers_continue_from_the_first_seq() -> None:
    em, out = emitter(first_seq=41)
    em.emit(GOOD, 1)
    em.mark_stale()
    em.emit(GOOD, 2)
    assert [s.seq for s in out] == [41, 42, 43, 44]
    assert all(s.source == "src" for s in out)
