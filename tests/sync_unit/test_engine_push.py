"""Push: exactly once and in order, whatever the network and the server do."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import msgspec
import pytest

from sync.engine import Engine
from sync.errors import MutationRejected, TransientError
from sync.memory import MemoryStore, MemoryTx, ServerCrashed
from sync.messages import PushResponse, Unavailable
from sync.refdomain import AdjustArgs, RefAuth, RowTx, register_reference_domain, site_scope
from sync.registry import MutationContext, MutatorRegistry, Notice, UnknownName, UnsupportedVersion
from sync.versions import VersionPolicy

from .conftest import Device


class Args(msgspec.Struct):
    marker: str


async def write_then_refuse(ctx: MutationContext[RowTx, RefAuth], args: Args) -> Notice | None:
    await ctx.tx.lock("marker", args.marker)
    ctx.tx.put("marker", args.marker, {"site": "a"}, site_scope("a"))
    raise MutationRejected("refused", "after writing")


async def write_then_fail(ctx: MutationContext[RowTx, RefAuth], args: Args) -> Notice | None:
    await ctx.tx.lock("marker", args.marker)
    ctx.tx.put("marker", args.marker, {"site": "a"}, site_scope("a"))
    raise TransientError("database busy")


async def write_then_crash(ctx: MutationContext[RowTx, RefAuth], args: Args) -> Notice | None:
    await ctx.tx.lock("marker", args.marker)
    ctx.tx.put("marker", args.marker, {"site": "a"}, site_scope("a"))
    raise RuntimeError("a bug in a mutator")


def device_with_extras(store: MemoryStore) -> Device:
    registry = register_reference_domain(MutatorRegistry[MemoryTx, RefAuth]())
    registry.register("test.refuse_after_write", 1, Args, write_then_refuse)
    registry.register("test.fail_after_write", 1, Args, write_then_fail)
    registry.register("test.crash_after_write", 1, Args, write_then_crash)
    engine = Engine(store, registry, VersionPolicy(schema_version=1, schema_min=1))
    return Device(engine, store, "u1", uuid.UUID(int=7))


def executions(store: MemoryStore) -> Counter[tuple[str, int]]:
    return Counter((e.client_id, e.mutation_id) for e in store.journal if e.kind == "mutation")


def balance(store: MemoryStore) -> int:
    row = store.committed(("stock", "st-1"))
    assert row is not None
    return int(row.data["balance"])


async def yield_twice() -> None:
    await asyncio.sleep(0)
    await asyncio.sleep(0)


async def test_concurrent_deliveries_of_one_batch_apply_it_once(store: MemoryStore, tech: Device) -> None:
    store.jitter = yield_twice
    batch = [tech.envelope(i, "stock.adjust", AdjustArgs("st-1", -1)) for i in (1, 2, 3)]
    await asyncio.gather(tech.push(*batch), tech.push(*batch), tech.push(*batch))
    assert balance(store) == -1


async def test_concurrent_deliveries_store_one_result_per_mutation(store: MemoryStore, tech: Device) -> None:
    store.jitter = yield_twice
    batch = [tech.envelope(i, "stock.adjust", AdjustArgs("st-1", -1)) for i in (1, 2)]
    await asyncio.gather(tech.push(*batch), tech.push(*batch))
    assert set(executions(store).values()) == {1}


async def test_a_refused_mutation_leaves_none_of_its_writes(store: MemoryStore) -> None:
    device = device_with_extras(store)
    answer = await device.push(device.envelope(1, "test.refuse_after_write", Args("m1")))
    assert isinstance(answer, PushResponse) and answer.results[0].status == "rejected"
    assert store.committed(("marker", "m1")) is None


async def test_a_refused_mutation_still_advances_the_numbering(store: MemoryStore) -> None:
    device = device_with_extras(store)
    answer = await device.push(device.envelope(1, "test.refuse_after_write", Args("m1")))
    assert isinstance(answer, PushResponse) and answer.last_mutation_id == 1


async def test_a_transient_failure_leaves_none_of_its_writes_and_keeps_the_numbering(
    store: MemoryStore,
) -> None:
    device = device_with_extras(store)
    answer = await device.push(device.envelope(1, "test.fail_after_write", Args("m1")))
    assert isinstance(answer, Unavailable)
    assert (store.committed(("marker", "m1")), store.client_state().get(str(device.client_id), 0)) == (
        None,
        0,
    )


async def test_an_unexpected_error_propagates_and_applies_nothing(store: MemoryStore) -> None:
    device = device_with_extras(store)
    with pytest.raises(RuntimeError, match="bug"):
        await device.push(device.envelope(1, "test.crash_after_write", Args("m1")))
    assert (store.committed(("marker", "m1")), store.client_state().get(str(device.client_id), 0)) == (
        None,
        0,
    )


async def test_a_crash_while_committing_loses_the_mutation_together_with_its_number(
    store: MemoryStore, tech: Device
) -> None:
    store.crash_on_commit = lambda: True
    with pytest.raises(ServerCrashed):
        await tech.push(tech.envelope(1, "stock.adjust", AdjustArgs("st-1", -1)))
    assert (balance(store), store.client_state().get(str(tech.client_id), 0)) == (2, 0)


async def test_a_retry_after_a_crash_while_committing_applies_once(store: MemoryStore, tech: Device) -> None:
    store.crash_on_commit = lambda: True
    with pytest.raises(ServerCrashed):
        await tech.push(tech.envelope(1, "stock.adjust", AdjustArgs("st-1", -1)))
    store.crash_on_commit = None
    await tech.push(tech.envelope(1, "stock.adjust", AdjustArgs("st-1", -1)))
    assert balance(store) == 1


async def test_a_restart_fails_every_transaction_in_flight(store: MemoryStore, tech: Device) -> None:
    async def restart_once() -> None:
        store.jitter = None
        store.restart()

    store.jitter = restart_once
    with pytest.raises(ServerCrashed):
        await tech.push(tech.envelope(1, "stock.adjust", AdjustArgs("st-1", -1)))
    assert balance(store) == 2


async def test_writing_a_row_without_locking_it_is_a_mutator_bug(store: MemoryStore) -> None:
    from sync.memory import NotLocked

    async with store.transaction() as tx:
        with pytest.raises(NotLocked):
            tx.put("stock", "st-1", {"balance": 0}, site_scope("a"))


def test_a_mutator_cannot_be_registered_twice() -> None:
    registry = register_reference_domain(MutatorRegistry[MemoryTx, RefAuth]())
    with pytest.raises(ValueError, match="twice"):
        registry.register("stock.adjust", 1, AdjustArgs, write_then_refuse)  # type: ignore[arg-type]


def test_lookup_of_an_unregistered_version_reports_the_supported_range() -> None:
    registry = register_reference_domain(MutatorRegistry[MemoryTx, RefAuth]())
    assert registry.lookup("stock.adjust", 4) == UnsupportedVersion("stock.adjust", 4, 1, 1)


def test_lookup_of_an_unknown_name_says_so() -> None:
    registry = register_reference_domain(MutatorRegistry[MemoryTx, RefAuth]())
    assert registry.lookup("stock.explode", 1) == UnknownName("stock.explode")
