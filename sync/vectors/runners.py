"""Run the merge, ledger, cursor and client vectors against the Python implementation; each
runner returns the mismatches (an empty list when the case passes). Transcripts are played by
`sync.vectors.transcript.run_transcript`."""

from __future__ import annotations

from typing import Any

import msgspec

from sync import codec
from sync.client import Outbox, Replica
from sync.cursor import Cursor, cut_page, decode_cursor, encode_cursor, resume, scope_fingerprint
from sync.errors import MutationRejected
from sync.ledger import Delta, DeltaKey, DeltaKeyReused, Ledger
from sync.merge import (
    LWW,
    SURFACE,
    EntityPolicy,
    FieldDecision,
    FieldEdit,
    FieldPolicy,
    FieldState,
    OrderedStates,
    Rule,
    Writer,
    merge_field,
    merge_row,
    ruled,
)
from sync.messages import MutationResult, PullResponse
from sync.scope import scope_diff
from sync.store import ChangeRef
from sync.vectors.compare import compare

# --- merge -----------------------------------------------------------------------------------


def build_rules(spec: dict[str, Any]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for name, rule in spec.items():
        if rule["kind"] != "ordered_states":
            raise ValueError(f"unknown rule kind {rule['kind']!r}")
        rules[name] = OrderedStates(tuple(rule["order"]), frozenset(rule["terminal"]))
    return rules


def build_policy(spec: Any, rules: dict[str, Rule]) -> FieldPolicy:
    if spec == "lww":
        return LWW
    if spec == "surface":
        return SURFACE
    return ruled(rules[spec["rule"]])


def build_state(spec: dict[str, Any] | None) -> FieldState:
    if spec is None:
        return FieldState(None)
    writer = spec["writer"]
    return FieldState(
        spec["value"],
        spec["version"],
        None if writer is None else Writer(writer["client_id"], writer["mutation_id"]),
    )


def decision_json(decision: FieldDecision) -> dict[str, Any]:
    conflict = None if decision.conflict is None else msgspec.to_builtins(decision.conflict)
    return {
        "decision": decision.decision.value,
        "value": decision.value,
        "concurrent": decision.concurrent,
        "conflict": conflict,
    }


def run_merge_case(case: dict[str, Any], rules: dict[str, Rule]) -> list[str]:
    edit = case["edit"]
    try:
        decision = merge_field(
            entity=case["entity"],
            entity_id=case["entity_id"],
            name=case["field"],
            policy=build_policy(case["policy"], rules),
            server=build_state(case["server"]),
            edit=FieldEdit(edit["value"], edit["base_version"]),
            row_version=case["row_version"],
            client_id=case["client_id"],
            mutation_id=case["mutation_id"],
        )
    except MutationRejected as exc:
        return compare(case["expect"], {"error": exc.code})
    return compare(case["expect"], decision_json(decision))


def run_merge_row_case(case: dict[str, Any], rules: dict[str, Rule]) -> list[str]:
    policy = EntityPolicy(
        case["entity"], {name: build_policy(p, rules) for name, p in case["fields_policy"].items()}
    )
    outcome = merge_row(
        policy,
        entity_id=case["entity_id"],
        fields={name: build_state(s) for name, s in case["server"].items()},
        edits={name: FieldEdit(e["value"], e["base_version"]) for name, e in case["edits"].items()},
        row_version=case["row_version"],
        client_id=case["client_id"],
        mutation_id=case["mutation_id"],
    )
    return compare(case["expect"], {name: decision_json(d) for name, d in outcome.decisions.items()})


# --- ledger ----------------------------------------------------------------------------------


def run_ledger_case(case: dict[str, Any]) -> list[str]:
    ledger = Ledger(floor=case["floor"])
    results: list[Any] = []
    for delta in case["deltas"]:
        try:
            results.append(ledger.apply(Delta(DeltaKey(*delta["key"]), delta["account"], delta["amount"]))[0])
        except DeltaKeyReused:
            results.append({"error": "delta_key_reused"})
    overdrafts = [[p.key.client_id, p.key.mutation_id, p.key.index] for p in ledger.overdrafts()]
    return compare(
        case["expect"], {"results": results, "balances": ledger.balances(), "overdrafts": overdrafts}
    )


# --- cursor ----------------------------------------------------------------------------------


def run_encoding_case(case: dict[str, Any]) -> list[str]:
    fields = case["cursor"]
    cursor = Cursor(
        fields["epoch"],
        fields["schema_version"],
        fields["scope_fingerprint"],
        fields["phase"],
        fields["change_id"],
        fields["after_entity"],
        fields["after_id"],
    )
    problems = compare(case["token"], encode_cursor(cursor))
    if decode_cursor(case["token"]) != cursor:
        problems.append(f"{case['token']} does not decode back to {cursor}")
    return problems


def run_resume_case(case: dict[str, Any]) -> list[str]:
    given = case["cursor"]
    if given is None:
        token = None
    elif "token" in given:
        token = given["token"]
    else:
        after = given["after"]
        token = encode_cursor(
            Cursor(
                given["epoch"],
                given["schema_version"],
                scope_fingerprint(given["scope"]),
                given["phase"],
                given["change_id"],
                None if after is None else after[0],
                None if after is None else after[1],
            )
        )
    position = resume(
        token,
        epoch=case["epoch"],
        schema_version=case["schema_version"],
        scope=scope_fingerprint(case["scope"]),
        watermark=case["watermark"],
        horizon=case["horizon"],
    )
    if isinstance(position, str):
        return compare(case["expect"], {"reset_required": position})
    after = None if position.after is None else list(position.after)
    actual = {
        "phase": position.phase,
        "change_id": position.change_id,
        "after": after,
        "reset": position.reset,
    }
    return compare(case["expect"], actual)


def run_cut_page_case(case: dict[str, Any]) -> list[str]:
    refs = [ChangeRef(change_id, entity, id) for change_id, entity, id in case["refs"]]
    try:
        cut = cut_page(refs, limit=case["limit"], after=case["after"], watermark=case["watermark"])
    except ValueError:
        return compare(case["expect"], {"error": "out_of_order"})
    actual = {"keys": [list(k) for k in cut.keys], "next_after": cut.next_after, "complete": cut.complete}
    return compare(case["expect"], actual)


def run_scope_diff_case(case: dict[str, Any]) -> list[str]:
    diff = scope_diff([tuple(k) for k in case["before"]], [tuple(k) for k in case["after"]])
    actual = {name: sorted(list(k) for k in getattr(diff, name)) for name in ("left", "entered", "kept")}
    return compare(case["expect"], actual)


# --- client ----------------------------------------------------------------------------------


def replica_json(replica: Replica) -> dict[str, Any]:
    rows = [[entity, id, version, data] for (entity, id), (version, data) in sorted(replica.rows.items())]
    return {
        "rows": rows,
        "cursor": replica.cursor,
        "last_mutation_id": replica.last_mutation_id,
        "staging": replica.staging,
        "next_cursor": replica.next_cursor(),
    }


def run_reveal_case(case: dict[str, Any]) -> list[str]:
    initial = case["initial"]
    replica = Replica(
        rows={(e, i): (v, d) for e, i, v, d in initial["rows"]},
        cursor=initial["cursor"],
        last_mutation_id=initial["last_mutation_id"],
    )
    problems: list[str] = []
    for index, event in enumerate(case["events"]):
        actual = {}
        if "page" in event:
            page = msgspec.convert(event["page"], PullResponse)
            revealed = replica.receive(page)
            if revealed is not None:
                actual["left"] = sorted(list(k) for k in revealed.diff.left)
        else:
            replica.drop_staging()
        actual |= replica_json(replica)
        if "expect" in event:
            expected = event["expect"]
            if "left" not in expected:
                actual.pop("left", None)
            problems += compare(expected, actual, f"$.events[{index}]")
    return problems


def run_outbox_case(case: dict[str, Any]) -> list[str]:
    outbox = Outbox()
    for event in case["events"]:
        if "enqueue" in event:
            spec = event["enqueue"]
            outbox.enqueue(spec["name"], spec["version"], spec["args"])
        elif "results" in event:
            outbox.on_results([msgspec.convert(r, MutationResult) for r in event["results"]])
        else:
            outbox.confirm(event["confirm"])
    expected = case["expect"]
    actual: dict[str, Any] = {
        "pending": sorted(outbox.pending),
        "overlay": [e.id for e in outbox.overlay()],
        "batch": {
            "limit": expected["batch"]["limit"],
            "ids": [e.id for e in outbox.batch(expected["batch"]["limit"])],
        },
        "outcomes": {str(i): outbox.outcome(i) for i in sorted(outbox.results)},
    }
    if "results" in expected:
        actual["results"] = {str(i): codec.to_builtins(r) for i, r in sorted(outbox.results.items())}
    if "lost" in expected:
        actual["lost"] = {key: outbox.lost(int(key)) for key in expected["lost"]}
    return compare(expected, actual)
