"""A simulated device: a durable outbox and replica (`sync.client`), random offline work, and the
push/pull loop of the protocol over the faulty network. It also watches what it receives: a row
outside its user's sites, a server expecting a mutation the device already forgot, or an answer
the protocol does not allow are recorded as problems for the checker."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from sync import codec
from sync.client import Outbox, Replica
from sync.merge import Choice, FieldEdit, ResolveArgs
from sync.messages import (
    MutationEnvelope,
    OutOfOrder,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    Put,
    ResetRequired,
    Unavailable,
)
from sync.refdomain import AdjustArgs, CommentArgs, DeleteArgs, EditArgs, MoveArgs
from sync.simulation._network import Network
from sync.simulation._target import SCHEMA_VERSION, SimTarget

STATUSES = ("open", "in_progress", "completed", "cancelled")
WORDS = ("bearing", "belt", "seal", "motor", "sensor", "valve", "filter")


@dataclass
class GrantLog:
    """Sites granted to each user over the run, stamped with a counter that moves on each change."""

    clock: int = 0
    history: dict[str, list[tuple[int, frozenset[str]]]] = field(default_factory=dict)

    def record(self, user: str, sites: frozenset[str]) -> None:
        self.clock += 1
        self.history.setdefault(user, []).append((self.clock, sites))

    def current(self, user: str) -> frozenset[str]:
        return self.history[user][-1][1]

    def allowed(self, user: str, start: int, end: int) -> frozenset[str]:
        """Every site the user held at some point between counters `start` and `end`."""
        entries = self.history[user]
        sites: set[str] = set()
        for index, (stamp, granted) in enumerate(entries):
            until = entries[index + 1][0] if index + 1 < len(entries) else end + 1
            if stamp <= end and until > start:
                sites |= granted
        return frozenset(sites)


@dataclass
class DeviceStats:
    queued: int = 0
    crashes: int = 0
    resets_required: int = 0
    reveals: int = 0
    replaced: int = 0


class SimDevice:
    def __init__(
        self, index: int, user: str, rng: random.Random, target: SimTarget, network: Network, grants: GrantLog
    ) -> None:
        self.index = index
        self.user = user
        self.rng = rng
        self.client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        self.token = f"device-{index}"
        self.target = target
        self.network = network
        self.grants = grants
        self.outbox = Outbox()
        self.replica = Replica()
        self.history: dict[int, MutationEnvelope] = {}
        self.offline_until = 0
        self.reset_after: int | None = None
        self.problems: list[tuple[str, str]] = []
        self.stats = DeviceStats()

    @property
    def client(self) -> str:
        return str(self.client_id)

    # --- local work ------------------------------------------------------------------------

    def crash(self) -> None:
        """Lose everything not durable: staged pages. The outbox and the revealed replica stay."""
        self.stats.crashes += 1
        self.replica.drop_staging()

    def work(self, all_sites: list[str], count: int) -> None:
        for _ in range(count):
            made = self._make_mutation(all_sites)
            if made is None:
                return
            envelope = self.outbox.enqueue(made[0], 1, made[1])
            self.history[envelope.id] = envelope
            self.stats.queued += 1

    def _rows(self, entity: str) -> list[tuple[str, int, dict[str, Any]]]:
        rows = [(k[1], v, d) for k, (v, d) in self.replica.rows.items() if k[0] == entity]
        return sorted(rows, key=lambda r: r[0])

    def _make_mutation(self, all_sites: list[str]) -> tuple[str, Any] | None:
        rng = self.rng
        workorders, stock = self._rows("workorder"), self._rows("stock")
        if not workorders and not stock:
            return None
        roll = rng.random()
        if stock and (roll < 0.25 or not workorders):
            item = rng.choice(stock)
            return "stock.adjust", AdjustArgs(item[0], rng.choice([-6, -4, -3, -2, -1, 1, 2, 3, 5]))
        if not workorders:
            return None
        wo_id, version, _ = rng.choice(workorders)
        if roll < 0.65:
            fields: dict[str, FieldEdit] = {}
            for name in rng.sample(("status", "priority", "notes", "reading"), rng.randint(1, 3)):
                fields[name] = FieldEdit(self._value(name), version)
            return "workorder.edit", EditArgs(wo_id, fields)
        if roll < 0.78:
            comment_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            return "comment.add", CommentArgs(comment_id, wo_id, rng.choice(WORDS))
        if roll < 0.84:
            comments = self._rows("comment")
            if comments:
                return "comment.delete", DeleteArgs(rng.choice(comments)[0])
        if roll < 0.90:
            return "workorder.move", MoveArgs(wo_id, rng.choice(all_sites))
        conflicts = [c for c in self._rows("conflict") if c[2].get("status") == "open"]
        if conflicts:
            choice: Choice = rng.choice(["server", "client", "value"])
            value = self._value(conflicts[0][2]["field"]) if choice == "value" else None
            return "conflict.resolve", ResolveArgs(
                conflict_id=rng.choice(conflicts)[0], choice=choice, value=value
            )
        return "workorder.edit", EditArgs(wo_id, {"reading": FieldEdit(self._value("reading"), version)})

    def _value(self, name: str) -> Any:
        if name == "status":
            return self.rng.choice(STATUSES)
        if name == "priority":
            return self.rng.randint(1, 5)
        if name == "notes":
            return self.rng.choice(WORDS)
        return self.rng.randint(0, 12)

    # --- protocol ----------------------------------------------------------------------------

    async def push(self, batch_size: int) -> bool:
        """One push of the oldest unresolved entries; True when an answer came back."""
        batch = self.outbox.batch(batch_size)
        if not batch:
            return True
        request = PushRequest(
            protocol_version=1, schema_version=SCHEMA_VERSION, client_id=self.client_id, mutations=batch
        )
        body = codec.encode(request)
        reply = await self.network.call(lambda: self.target.push(body, self.token))
        if reply is None:
            return False
        status, payload = reply
        if status == 500:
            return False
        answer = codec.push_answer_decoder.decode(payload)
        if isinstance(answer, PushResponse):
            self.outbox.on_results(answer.results)
        elif isinstance(answer, OutOfOrder):
            self.outbox.on_results(answer.results)
            if self.outbox.lost(answer.expected):
                self.problems.append(
                    ("exactly_once", f"server expects mutation {answer.expected}, already acknowledged")
                )
        elif not isinstance(answer, Unavailable):
            self.problems.append(("protocol", f"unexpected push answer {status}: {type(answer).__name__}"))
        return True

    async def pull(self, page_size: int) -> bool:
        """One pull page; True when a sequence was revealed."""
        if self.reset_after is not None:
            if any(i <= self.reset_after for i in self.outbox.pending):
                return False
            self.replica.forget_cursor()
            self.reset_after = None
        request = PullRequest(
            protocol_version=1,
            schema_version=SCHEMA_VERSION,
            client_id=self.client_id,
            cursor=self.replica.next_cursor(),
            page_size=page_size,
        )
        body = codec.encode(request)
        start = self.grants.clock
        reply = await self.network.call(lambda: self.target.pull(body, self.token))
        if reply is None or reply[0] == 500:
            return False
        answer = codec.pull_answer_decoder.decode(reply[1])
        if isinstance(answer, ResetRequired):
            self.stats.resets_required += 1
            self.reset_after = self.outbox.next_id - 1
            self.replica.drop_staging()
            return False
        if not isinstance(answer, PullResponse):
            if not isinstance(answer, Unavailable):
                self.problems.append(
                    ("protocol", f"unexpected pull answer {reply[0]}: {type(answer).__name__}")
                )
            return False
        self._check_scope(answer, start)
        previous = self.replica.last_mutation_id
        revealed = self.replica.receive(answer)
        if revealed is None:
            return False
        if revealed.last_mutation_id < previous:
            self.problems.append(
                ("monotonic", f"last_mutation_id went back from {previous} to {revealed.last_mutation_id}")
            )
        self.outbox.confirm(revealed.last_mutation_id)
        self.stats.reveals += 1
        self.stats.replaced += int(revealed.replaced)
        return True

    def _check_scope(self, answer: PullResponse, start: int) -> None:
        allowed = self.grants.allowed(self.user, start, self.grants.clock)
        for op in answer.ops:
            if isinstance(op, Put) and op.data.get("site") not in allowed:
                site = op.data.get("site")
                self.problems.append(("scope", f"received {op.entity} {op.id} of site {site} outside scope"))

    async def step(self, tick: int, all_sites: list[str], batch_size: int, page_size: int, work: int) -> None:
        self.work(all_sites, work)
        if tick < self.offline_until:
            return
        await self.push(batch_size)
        for _ in range(3):
            if await self.pull(page_size) or not self.replica.staging:
                break

    async def drain(self, batch_size: int, page_size: int, attempts: int = 50) -> bool:
        """Push until every entry has a result, then pull until a sequence is revealed."""
        for _ in range(attempts):
            if not self.outbox.pending:
                break
            await self.push(batch_size)
        for _ in range(attempts):
            if await self.pull(page_size):
                return not self.outbox.pending
        return False
