"""Which stops become downtime events and tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.downtime.episodes import Episode, StateRow, episodes, needs_ticket, qualifies

T0 = datetime(2026, 1, 1, tzinfo=UTC)
REOPEN = timedelta(seconds=60)


def s(sec: float, state: str, fault: int | None = None) -> StateRow:
    return StateRow(T0 + timedelta(seconds=sec), state, fault)


def test_a_stop_ends_when_the_machine_runs_again() -> None:
    assert episodes([s(0, "running"), s(10, "stopped"), s(500, "running")], REOPEN) == [
        Episode(T0 + timedelta(seconds=10), T0 + timedelta(seconds=500), None)
    ]


def test_a_flapping_run_bit_is_one_stop() -> None:
    rows = [s(0, "stopped")]
    for i in range(10):
        rows += [s(100 * i + 50, "running"), s(100 * i + 55, "stopped")]
    found = episodes(rows, REOPEN)
    assert len(found) == 1
    assert found[0].ended_at is None


def test_a_restart_that_lasts_ends_the_stop() -> None:
    found = episodes([s(0, "stopped"), s(100, "running"), s(400, "stopped")], REOPEN)
    assert [e.started_at for e in found] == [T0, T0 + timedelta(seconds=400)]


def test_communication_loss_neither_starts_nor_ends_a_stop() -> None:
    found = episodes([s(0, "stopped"), s(50, "unknown"), s(300, "stopped"), s(400, "running")], REOPEN)
    assert found == [Episode(T0, T0 + timedelta(seconds=400), None)]


def test_the_first_fault_code_of_a_stop_is_kept() -> None:
    found = episodes([s(0, "stopped"), s(1, "stopped", 42), s(2, "stopped", 7)], REOPEN)
    assert found[0].fault_code == 42


def test_a_short_stop_is_a_micro_stop_but_a_fault_never_is() -> None:
    short = Episode(T0, T0 + timedelta(seconds=30), None)
    faulted = Episode(T0, T0 + timedelta(seconds=30), 9)
    assert not qualifies(short, T0 + timedelta(hours=1), 120)
    assert qualifies(faulted, T0 + timedelta(hours=1), 120)


def test_a_ticket_is_due_past_the_second_threshold() -> None:
    ongoing = Episode(T0, None, None)
    assert not needs_ticket(ongoing, T0 + timedelta(seconds=299), 300)
    assert needs_ticket(ongoing, T0 + timedelta(seconds=300), 300)
