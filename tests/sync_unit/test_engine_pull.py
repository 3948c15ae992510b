"""Pull: commit-ordered cursor, consistent snapshot, pages, scopes, resets."""

from __future__ import annotations

import asyncio
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.client import Replica
from sync.memory import MemoryStore
from sync.merge import FieldEdit
from sync.messages import Clear, PullResponse, ResetRequired
from sync.refdomain import CommentArgs, EditArgs, seed, set_user_sites, site_scope
from sync.simulation.broken import WriteTimeIdStore

from .conftest import SEED, Device, make_engine


def revealed(pages: list[PullResponse], replica: Replica | None = None) -> Replica:
    replica = replica or Replica()
    for page in pages:
        replica.receive(page)
    return replica


async def put_row(store: MemoryStore, entity: str, id: str, data: dict[str, object]) -> None:
    async with store.transaction() as tx:
        await tx.lock(entity, id)
        tx.put(entity, id, data, site_scope("a"))


async def late_commit_is_seen(store: MemoryStore, device: Device) -> bool:
    """A transaction writes a row, another commits after it started, a pull runs, then the first
    commits: does the next pull see the first one's row?"""
    first = await device.pull_all()
    late = store.transaction()
    tx = await late.__aenter__()
    await tx.lock("comment", "late")
    tx.put("comment", "late", {"site": "a"}, site_scope("a"))
    await put_row(store, "comment", "early", {"site": "a"})
    middle = await device.pull_all(first[-1].cursor)
    await late.__aexit__(None, None, None)
    last = await device.pull_all(middle[-1].cursor)
    return ("comment", "late") in revealed(first + middle + last).rows


async def test_a_transaction_that_commits_late_is_not_skipped(store: MemoryStore, tech: Device) -> None:
    assert await late_commit_is_seen(store, tech)


async def test_change_ids_drawn_at_write_time_skip_a_late_commit() -> None:
    store = WriteTimeIdStore(epoch="test")
    await seed(store, SEED)
    assert not await late_commit_is_seen(store, Device(make_engine(store), store, "u1", uuid.UUID(int=1)))


async def test_a_pull_never_shows_a_mutations_number_without_its_effects(
    store: MemoryStore, tech: Device
) -> None:
    pending = store.transaction()
    tx = await pending.__aenter__()
    await store.lock_client(tx, str(tech.client_id))
    await store.advance_client(tx, str(tech.client_id), 1)
    await tx.lock("stock", "st-1")
    tx.put("stock", "st-1", {"site": "a", "balance": 0, "overdrafts": 0}, site_scope("a"))
    reader = asyncio.ensure_future(tech.pull())
    await asyncio.sleep(0)
    await pending.__aexit__(None, None, None)
    page = await reader
    balance = next(op.data["balance"] for op in page.ops if getattr(op, "id", None) == "st-1")
    assert (page.last_mutation_id, balance) in {(0, 2), (1, 0)}


async def test_a_first_sync_starts_with_clear(tech: Device) -> None:
    page = await tech.pull()
    assert page.reset and isinstance(page.ops[0], Clear)


async def test_a_page_holds_at_most_page_size_rows(lead: Device) -> None:
    pages = await lead.pull_all(page_size=2)
    assert all(len([op for op in p.ops if not isinstance(op, Clear)]) <= 2 for p in pages)


async def test_changes_outside_the_scope_are_not_sent(store: MemoryStore, tech: Device, lead: Device) -> None:
    first = await tech.pull_all()
    await lead.push(lead.envelope(1, "workorder.edit", EditArgs("wo-2", {"notes": FieldEdit("x", 1)})))
    later = await tech.pull_all(first[-1].cursor)
    assert [op for page in later for op in page.ops] == []


async def test_a_scope_change_starts_a_new_sequence(store: MemoryStore, lead: Device) -> None:
    first = await lead.pull_all()
    await set_user_sites(store, "u2", ["a"])
    later = await lead.pull_all(first[-1].cursor)
    assert ("workorder", "wo-2") not in revealed(first + later).rows


async def test_a_cursor_from_before_a_restore_must_reset(store: MemoryStore, tech: Device) -> None:
    first = await tech.pull_all()
    restored = MemoryStore(epoch="restored")
    await seed(restored, SEED)
    again = Device(make_engine(restored), restored, "u1", tech.client_id)
    answer = await again.pull(first[-1].cursor)
    assert isinstance(answer, ResetRequired) and answer.reason == "epoch"


async def test_a_cursor_beyond_the_servers_history_must_reset(store: MemoryStore, tech: Device) -> None:
    await put_row(store, "comment", "c-1", {"site": "a"})
    first = await tech.pull_all()
    behind = MemoryStore(epoch="test")
    await seed(behind, SEED)
    answer = await Device(make_engine(behind), behind, "u1", tech.client_id).pull(first[-1].cursor)
    assert isinstance(answer, ResetRequired) and answer.reason == "cursor_ahead"


async def test_a_cursor_behind_the_retained_log_must_reset(store: MemoryStore, tech: Device) -> None:
    first = await tech.pull_all()
    await put_row(store, "comment", "c-1", {"site": "a"})
    store.compact(store.current_watermark)
    answer = await tech.pull(first[-1].cursor)
    assert isinstance(answer, ResetRequired) and answer.reason == "retention"


async def sync_with_page_size(
    page_size: int, comments: int
) -> dict[tuple[str, str], tuple[int, dict[str, object]]]:
    store = MemoryStore(epoch="paging")
    await seed(store, SEED)
    lead = Device(make_engine(store), store, "u2", uuid.UUID(int=2))
    tech = Device(make_engine(store), store, "u1", uuid.UUID(int=1))
    replica, cursor = Replica(), None
    for i in range(comments):
        await tech.push(tech.envelope(i + 1, "comment.add", CommentArgs(f"c-{i}", "wo-1", "x")))
        if i % 3 == 0:
            page = await lead.pull(cursor, page_size)
            replica.receive(page)
            cursor = page.cursor
    revealed(await lead.pull_all(cursor, page_size), replica)
    return replica.rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 6), st.integers(0, 9))
def test_any_page_size_reveals_the_same_replica(page_size: int, comments: int) -> None:
    small = asyncio.run(sync_with_page_size(page_size, comments))
    assert small == asyncio.run(sync_with_page_size(1000, comments))
