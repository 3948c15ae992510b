"""Read planning: merge neighbouring tags of one function into as few requests as possible.

Tags are sorted by address per function; a tag joins the current request when the hole between
the request's end and the tag's start is at most ``max_gap`` registers (or bits) and the request
stays within the protocol limit (125 registers, 2000 bits). The unused registers in the holes are
read and ignored: one request with a few spare registers is much cheaper than two round trips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backend.collector.adapters.modbus.codec import register_count
from backend.collector.adapters.modbus.config import BIT_FUNCTIONS, Function, ModbusTag

MAX_REGISTERS = 125
MAX_BITS = 2000


@dataclass(frozen=True, slots=True)
class PlannedRead:
    """One request: ``count`` registers (or bits) from ``address``; each tag sits at its offset."""

    function: Function
    address: int
    count: int
    tags: tuple[tuple[ModbusTag, int], ...]


def limit_for(function: Function) -> int:
    """The largest request the protocol allows for ``function``."""
    return MAX_BITS if function in BIT_FUNCTIONS else MAX_REGISTERS


def plan_reads(tags: Sequence[ModbusTag], max_gap: int) -> list[PlannedRead]:
    """The requests that read every tag, in function then address order."""
    plans: list[PlannedRead] = []
    by_function: dict[Function, list[ModbusTag]] = {}
    for tag in tags:
        by_function.setdefault(tag.function, []).append(tag)
    for function in sorted(by_function):
        limit = limit_for(function)
        ordered = sorted(by_function[function], key=lambda t: (t.address, t.name))
        start = end = -1
        members: list[ModbusTag] = []
        for tag in ordered:
            tag_end = tag.address + register_count(tag.data_type)
            fits = members and tag.address - end <= max_gap and max(end, tag_end) - start <= limit
            if fits:
                members.append(tag)
                end = max(end, tag_end)
                continue
            if members:
                plans.append(_block(function, start, end, members))
            start, end, members = tag.address, tag_end, [tag]
        if members:
            plans.append(_block(function, start, end, members))
    return plans


def _block(function: Function, start: int, end: int, members: list[ModbusTag]) -> PlannedRead:
    return PlannedRead(function, start, end - start, tuple((t, t.address - start) for t in members))
