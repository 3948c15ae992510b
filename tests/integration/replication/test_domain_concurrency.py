"""The real mutators under concurrency and faults: eight technicians' devices work the same work
order and the same bin at once, through the real engine and store, with resent batches, lost
answers and duplicated deliveries. At the end every mutation has exactly one stored outcome, the
stock balance is its opening plus the applied deltas (one ledger line each, overdrafts flagged),
every lost measurement is a conflict record, and every device's replica equals a fresh first
sync of its scope."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from typing import Any

import msgspec
from sqlalchemy import func, select

from backend.domain.inventory.models import StockBalance, StockDiscrepancy, StockMovement
from backend.domain.maintenance.models import WorkOrderComment
from backend.domain.people.roles import Actor, Role
from backend.lib.clock import FixedClock
from backend.replication.models import SyncConflict, SyncMutationResult
from backend.replication.scope import device_scope
from backend.replication.service import SyncService
from backend.replication.store import SqlSnapshot, current_user
from sync import codec
from sync.client import Outbox, Replica
from sync.http import serve_pull, serve_push
from sync.messages import MutationEnvelope, MutationResult, PullResponse, PushRequest, PushResponse
from sync.store import ScopeKeys
from tests.integration.replication.conftest import Plant

DEVICES, ROUNDS, SEED = 8, 6, 7


class Tablet:
    def __init__(self, service: SyncService, actor: Actor, rng: random.Random) -> None:
        self.service, self.actor, self.rng = service, actor, rng
        self.outbox, self.replica = Outbox(), Replica()
        self.results: dict[int, MutationResult] = {}
        self.history: dict[int, MutationEnvelope] = {}
        self.faults = True

    @property
    def client_id(self) -> uuid.UUID:
        assert self.actor.device_id is not None
        return self.actor.device_id

    async def push(self) -> None:
        batch = self.outbox.batch(self.rng.randint(1, 4))
        if not batch:
            return
        if self.faults and self.rng.random() < 0.3 and self.results:
            first = self.rng.choice(sorted(self.results))
            batch = [self.history[first], *[m for m in batch if m.id == first + 1]]
        body = codec.encode(
            PushRequest(protocol_version=1, schema_version=1, client_id=self.client_id, mutations=batch)
        )
        token = current_user.set(str(self.actor.user_id))
        try:
            deliveries = 2 if self.faults and self.rng.random() < 0.2 else 1
            answers = await asyncio.gather(
                *(
                    serve_push(self.service.engine, body, device_id=self.client_id, auth=self.actor)
                    for _ in range(deliveries)
                )
            )
        finally:
            current_user.reset(token)
        answer = answers[0].answer
        lost = self.faults and self.rng.random() < 0.25
        if lost or not isinstance(answer, PushResponse):
            return
        self.outbox.on_results(answer.results)
        for result in answer.results:
            self.results.setdefault(result.id, result)

    async def sync(self) -> None:
        user_id = self.actor.user_id

        async def scope(snap: SqlSnapshot) -> ScopeKeys:
            return await device_scope(snap.conn, user_id)

        while True:
            body = codec.encode(
                {
                    "protocol_version": 1,
                    "schema_version": 1,
                    "client_id": str(self.client_id),
                    "cursor": self.replica.next_cursor(),
                }
            )
            answer = (
                await serve_pull(self.service.engine, body, device_id=self.client_id, resolve_scope=scope)
            ).answer
            assert isinstance(answer, PullResponse), answer
            if self.replica.receive(answer) is not None:
                return

    def rows(self, entity: str) -> list[dict[str, Any]]:
        return [data for (kind, _), (_, data) in self.replica.rows.items() if kind == entity]

    def work(self, plant: Plant) -> None:
        rng = self.rng
        items = {row["label"]: row for row in self.rows("workorder_checklist_item")}
        wo = next(iter(self.rows("workorder")), None)
        for _ in range(rng.randint(1, 3)):
            roll = rng.random()
            stock = {
                "work_order_id": str(plant.wo.id),
                "part_id": str(plant.part.id),
                "bin_id": str(plant.bin.id),
            }
            if roll < 0.45:
                name = "stock.issue" if rng.random() < 0.75 else "stock.return"
                self.queue(name, {**stock, "quantity": rng.choice([1, 1, 2])})
            elif roll < 0.75 and "Spindle runout" in items:
                item = items["Spindle runout"]
                version = self.replica.rows[("workorder_checklist_item", str(item["id"]))][0]
                value = rng.choice([0.01, 0.015, 0.02, 0.03])
                args = {
                    "work_order_id": str(plant.wo.id),
                    "item_id": str(item["id"]),
                    "value": value,
                    "base_version": version,
                }
                self.queue("workorder.checklist_answer", args)
            elif wo is not None:
                body = rng.choice(["noise", "belt", "bearing"])
                self.queue(
                    "workorder.comment",
                    {"id": str(uuid.uuid4()), "work_order_id": str(plant.wo.id), "body": body},
                )

    def queue(self, name: str, args: Any) -> None:
        envelope = self.outbox.enqueue(name, 1, args)
        self.history[envelope.id] = envelope


def overdrafts_seen(devices: list[Tablet]) -> int:
    return sum(1 for d in devices for r in d.results.values() if r.code == "overdraft")


async def tablets(plant: Plant, service: SyncService) -> list[Tablet]:
    rng = random.Random(SEED)
    found = []
    for index in range(DEVICES):
        user = plant.tech if index % 2 == 0 else plant.tech2
        device = await plant.device(user)
        actor = Actor(
            user_id=user.id,
            username=user.username,
            role=Role.TECHNICIAN,
            site_ids=frozenset({plant.north.id}),
            device_id=device.client_id,
        )
        found.append(Tablet(service, actor, random.Random(rng.getrandbits(64))))
    return found


async def test_real_mutators_stay_exactly_once_and_converge_under_faults(
    plant: Plant, clock: FixedClock
) -> None:
    engine = plant.http.app.state.engine
    service = SyncService(engine, clock)
    devices = await tablets(plant, service)
    first = devices[0]
    await first.sync()
    start = {"id": str(plant.wo.id), "base_version": first.replica.rows[("workorder", str(plant.wo.id))][0]}
    first.queue("workorder.start", start)
    for _ in range(ROUNDS):
        for device in devices:
            await device.sync()
            device.work(plant)
        await asyncio.gather(*(d.push() for d in devices))
    for device in devices:
        device.faults = False
        for _ in range(100):
            if not device.outbox.pending:
                break
            await device.push()
        assert not device.outbox.pending
    for device in devices:
        await device.sync()

    session = plant.factory.session
    applied: Counter[str] = Counter()
    quantities = 0.0
    for device in devices:
        rows = (
            await session.execute(
                select(
                    SyncMutationResult.mutation_id, SyncMutationResult.status, SyncMutationResult.code
                ).where(SyncMutationResult.client_id == device.client_id)
            )
        ).all()
        assert sorted(r.mutation_id for r in rows) == list(range(1, len(device.history) + 1))
        for row in rows:
            seen = device.results[row.mutation_id]
            assert (seen.original if seen.status == "duplicate" else seen.status) == row.status
            envelope = device.history[row.mutation_id]
            if row.status != "applied":
                continue
            applied[envelope.name] += 1
            args = msgspec.json.decode(envelope.args)
            if envelope.name == "stock.issue":
                quantities -= args["quantity"]
            elif envelope.name == "stock.return":
                quantities += args["quantity"]
            if row.code == "conflict":
                applied["conflicts"] += 1

    assert applied["stock.issue"] and applied["workorder.checklist_answer"] and applied["workorder.comment"]
    assert applied["conflicts"] and overdrafts_seen(devices), "the run exercised conflicts and overdrafts"
    on_hand = await session.scalar(
        select(StockBalance.on_hand).where(
            StockBalance.part_id == plant.part.id, StockBalance.bin_id == plant.bin.id
        )
    )
    assert on_hand == 3 + quantities
    movements = await session.scalar(select(func.count()).where(StockMovement.offline.is_(True)))
    assert movements == applied["stock.issue"] + applied["stock.return"]
    overdrawn = await session.scalar(
        select(func.count()).where(
            StockMovement.offline.is_(True), StockMovement.on_hand_after < 0, StockMovement.quantity < 0
        )
    )
    assert await session.scalar(select(func.count()).select_from(StockDiscrepancy)) == overdrawn
    assert (
        await session.scalar(select(func.count()).select_from(WorkOrderComment))
        == applied["workorder.comment"]
    )
    assert await session.scalar(select(func.count()).select_from(SyncConflict)) == applied["conflicts"]

    for device in devices:
        fresh = Tablet(service, device.actor, random.Random(1))
        await fresh.sync()
        assert device.replica.rows == fresh.replica.rows
