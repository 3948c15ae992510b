"""The invariants checked after a run has healed and drained.

- exactly_once: every queued mutation was processed once (one committed result, one execution);
  a rejection carries a code and a reason; nothing unknown was processed.
- outcome: every device knows each of its mutations' outcome, and it is the server's.
- ledger: each stock balance is its opening plus the deltas of applied adjustments, one ledger
  entry per applied adjustment, overdrafts kept and flagged.
- convergence: each replica equals the server's rows in the device's scope, with the same
  `last_mutation_id`.
- serializable: replaying the committed history one mutation at a time on a fresh reference store
  gives the same rows and results (no lost update, no partial or double effect).
- conflicts: the conflict rows are exactly the concurrent, differing edits of surfaced fields,
  judged on the replay's state at each edit.
- device-side problems: rows outside scope, a server expecting a forgotten mutation, answers the
  protocol does not allow, `last_mutation_id` going backwards.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec

from sync.memory import MemoryStore
from sync.merge import Policy, RuleDecision, conflict_id, json_equal
from sync.messages import MutationEnvelope
from sync.refdomain import (
    STATUS_RULE,
    WORKORDER_FIELDS,
    WORKORDER_POLICY,
    AdjustArgs,
    EditArgs,
    RefAuth,
    Seed,
    scope_for_sites,
)
from sync.simulation._device import GrantLog, SimDevice
from sync.simulation._target import FaultHooks, MemoryTarget, ServerView
from sync.steps import Processed, RejectedInMutator


@dataclass(frozen=True, slots=True)
class Violation:
    invariant: str
    detail: str


def exactly_once(view: ServerView, devices: Sequence[SimDevice]) -> list[Violation]:
    found: list[Violation] = []
    counts = Counter((e.client_id, e.mutation_id) for e in view.journal if e.kind == "mutation")
    known = {(d.client, i) for d in devices for i in d.history}
    for key in sorted(set(counts) - known):
        found.append(Violation("exactly_once", f"unknown mutation {key} processed"))
    for device in devices:
        for mutation_id in device.history:
            times = counts.get((device.client, mutation_id), 0)
            if times != 1:
                found.append(
                    Violation("exactly_once", f"{device.token} #{mutation_id} processed {times} times")
                )
            result = view.results.get((device.client, mutation_id))
            if result is not None and result.status == "rejected" and not (result.code and result.reason):
                found.append(
                    Violation("exactly_once", f"{device.token} #{mutation_id} rejected without reason")
                )
    return found


def outcomes_known(view: ServerView, devices: Sequence[SimDevice]) -> list[Violation]:
    found: list[Violation] = []
    for device in devices:
        if device.outbox.pending:
            found.append(
                Violation("liveness", f"{device.token}: {len(device.outbox.pending)} never answered")
            )
        for mutation_id in device.history:
            seen = device.outbox.outcome(mutation_id)
            stored = view.results.get((device.client, mutation_id))
            if seen is None or stored is None:
                continue
            if seen != "unknown" and seen != stored.status:
                found.append(
                    Violation("outcome", f"{device.token} #{mutation_id}: saw {seen}, server {stored.status}")
                )
    return found


def applied(view: ServerView, device: SimDevice, mutation_id: int) -> bool:
    result = view.results.get((device.client, mutation_id))
    return result is not None and result.status == "applied"


def ledger_balanced(view: ServerView, devices: Sequence[SimDevice], spec: Seed) -> list[Violation]:
    found: list[Violation] = []
    expected = {item: opening for item, (_, opening) in spec.stock.items()}
    postings: Counter[str] = Counter()
    for device in devices:
        for mutation_id, envelope in device.history.items():
            if envelope.name == "stock.adjust" and applied(view, device, mutation_id):
                args = msgspec.json.decode(envelope.args, type=AdjustArgs)
                expected[args.id] += args.delta
                postings[args.id] += 1
    entries = [data for (entity, _), (_, data, _) in view.rows.items() if entity == "ledger"]
    for item, balance in expected.items():
        row = view.rows[("stock", item)][1]
        mine = [e for e in entries if e["account"] == item]
        if row["balance"] != balance:
            found.append(Violation("ledger", f"stock {item}: balance {row['balance']}, deltas say {balance}"))
        if len(mine) != postings[item]:
            found.append(
                Violation("ledger", f"stock {item}: {len(mine)} entries for {postings[item]} deltas")
            )
        if row["overdrafts"] != sum(e["overdraft"] for e in mine):
            found.append(Violation("ledger", f"stock {item}: overdraft count does not match its entries"))
        for e in mine:
            if e["amount"] < 0 and e["balance_after"] < 0 and not e["overdraft"]:
                found.append(Violation("ledger", f"stock {item}: an overdraft was not flagged"))
    return found


def converged(view: ServerView, devices: Sequence[SimDevice], grants: GrantLog) -> list[Violation]:
    found: list[Violation] = []
    for device in devices:
        expected = view.visible(scope_for_sites(grants.current(device.user)))
        actual = device.replica.rows
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        stale = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
        if missing or extra or stale:
            detail = f"{device.token}: missing {missing[:3]}, extra {extra[:3]}, stale {stale[:3]}"
            found.append(Violation("convergence", detail))
        server_last = view.last_mutation_ids.get(device.client, 0)
        if device.replica.last_mutation_id != server_last:
            detail = f"{device.token}: last_mutation_id {device.replica.last_mutation_id} vs {server_last}"
            found.append(Violation("convergence", detail))
    return found


def predicted_conflicts(store: MemoryStore, client: str, envelope: MutationEnvelope) -> set[str]:
    """Conflicts an edit must produce on the current state: concurrent and differing, on a field
    whose policy surfaces (or whose rule says so)."""
    if envelope.name != "workorder.edit":
        return set()
    args = msgspec.json.decode(envelope.args, type=EditArgs)
    row = store.committed(("workorder", args.id))
    if row is None or set(args.fields) - WORKORDER_FIELDS:
        return set()
    meta = row.meta.get("fields", {})
    ids = set()
    for name, edit in args.fields.items():
        version, writer, _ = meta.get(name, [0, None, 0])
        server_value = row.data.get(name)
        if version <= edit.base_version or writer == client or json_equal(server_value, edit.value):
            continue
        policy = WORKORDER_POLICY.policy_for(name)
        if policy.kind is Policy.SURFACE or (
            policy.kind is Policy.RULE and STATUS_RULE(server_value, edit.value) is RuleDecision.SURFACE
        ):
            ids.add(conflict_id(client, envelope.id, "workorder", args.id, name))
    return ids


async def replay(
    view: ServerView, spec: Seed, devices: Sequence[SimDevice]
) -> tuple[ServerView, set[str], list[Violation]]:
    """Re-run the committed history serially on a fresh reference store."""
    target = MemoryTarget(FaultHooks(random.Random(0), jitter_p=0.0))
    await target.setup(spec)
    by_client = {d.client: d for d in devices}
    expected: set[str] = set()
    found: list[Violation] = []
    done: set[tuple[str, int]] = set()
    for entry in view.journal:
        if entry.kind == "grant":
            await target.set_user_sites(entry.detail[0], entry.detail[1])
            continue
        key = (entry.client_id, entry.mutation_id)
        if entry.kind != "mutation" or key in done or entry.client_id not in by_client:
            continue
        done.add(key)
        device = by_client[entry.client_id]
        envelope = device.history.get(entry.mutation_id)
        if envelope is None:
            continue
        if entry.detail != "applied":
            await target.engine.record_rejection(device.client, envelope, view.results[key])
            continue
        expected |= predicted_conflicts(target.store, device.client, envelope)
        try:
            step = await target.engine.apply(device.client, envelope, RefAuth(device.user))
        except RejectedInMutator as exc:
            found.append(
                Violation("serializable", f"{device.token} #{entry.mutation_id} rejected on replay: {exc}")
            )
            continue
        if not isinstance(step, Processed) or step.result.status != "applied":
            found.append(
                Violation("serializable", f"{device.token} #{entry.mutation_id} not applied on replay")
            )
    return await target.inspect(), expected, found


def serializable(view: ServerView, again: ServerView) -> list[Violation]:
    found: list[Violation] = []
    for key in sorted(set(view.rows) | set(again.rows)):
        if view.rows.get(key) != again.rows.get(key):
            found.append(
                Violation("serializable", f"row {key}: {view.rows.get(key)} vs replay {again.rows.get(key)}")
            )
            if len(found) > 5:
                break
    return found


def conflicts_recorded(view: ServerView, devices: Sequence[SimDevice], expected: set[str]) -> list[Violation]:
    edits = {(d.client, i) for d in devices for i, e in d.history.items() if e.name == "workorder.edit"}
    recorded = {
        key[1]
        for key, (_, data, _) in view.rows.items()
        if key[0] == "conflict" and (data["client_id"], data["mutation_id"]) in edits
    }
    found = [Violation("conflicts", f"true conflict {c} not recorded") for c in sorted(expected - recorded)]
    found += [
        Violation("conflicts", f"conflict {c} recorded without a concurrent edit")
        for c in sorted(recorded - expected)
    ]
    return found


def device_problems(devices: Sequence[SimDevice]) -> list[Violation]:
    return [Violation(kind, f"{d.token}: {detail}") for d in devices for kind, detail in d.problems]


async def check(
    view: ServerView, spec: Seed, devices: Sequence[SimDevice], grants: GrantLog
) -> list[Violation]:
    again, expected_conflicts, replay_problems = await replay(view, spec, devices)
    return [
        *exactly_once(view, devices),
        *outcomes_known(view, devices),
        *ledger_balanced(view, devices, spec),
        *converged(view, devices, grants),
        *replay_problems,
        *serializable(view, again),
        *conflicts_recorded(view, devices, expected_conflicts),
        *device_problems(devices),
    ]
