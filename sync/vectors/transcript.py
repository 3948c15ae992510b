"""Play `transcripts.json` exchanges against any `SimTarget` (the reference one, or a database-backed one)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from sync import codec
from sync.refdomain import Seed
from sync.simulation import SimTarget
from sync.vectors.compare import compare


def seed_of(spec: dict[str, Any]) -> Seed:
    return Seed(
        users={user: tuple(sites) for user, sites in spec["users"].items()},
        workorders=dict(spec["workorders"]),
        stock={item: (site, balance) for item, (site, balance) in spec["stock"].items()},
    )


async def run_transcript(case: dict[str, Any], target: SimTarget) -> list[str]:
    """Play each step against `target`; a pull's `"cursor": "$last"` is the cursor of that
    device's previous pull answer."""
    await target.setup(seed_of(case["seed"]))
    for name, device in case["devices"].items():
        target.register_device(name, uuid.UUID(device["client_id"]), device["user"])
    cursors: dict[str, str] = {}
    problems: list[str] = []
    for index, step in enumerate(case["steps"]):
        if "grant" in step:
            await target.set_user_sites(step["grant"]["user"], step["grant"]["sites"])
            continue
        if "compact" in step:
            target.compact(step["compact"]["keep"])
            continue
        kind = "push" if "push" in step else "pull"
        body = step[kind]
        if isinstance(body, str):
            raw = body.encode()
        else:
            if body.get("cursor") == "$last":
                body = {**body, "cursor": cursors[step["as"]]}
            raw = codec.encode(body)
        send = target.push if kind == "push" else target.pull
        status, payload = await send(raw, step["as"])
        answer = msgspec.json.decode(payload)
        if kind == "pull" and status == 200:
            cursors[step["as"]] = answer["cursor"]
        where = f"step {index} ({kind} as {step['as']})"
        if status != step["status"]:
            problems.append(f"{where}: status {status}, expected {step['status']}: {answer}")
        problems += [f"{where}: {p}" for p in compare(step["expect"], answer)]
    return problems
