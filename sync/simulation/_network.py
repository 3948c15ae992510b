"""A seeded, deterministic faulty network between the devices and the target.

Per request: drop it before the server sees it; deliver it twice (concurrently); delay a delivery
so that later requests overtake it; let the client give up waiting (a timeout, while the server
carries on); lose the response after the server committed. Waiting is counted in event-loop
turns, never in wall-clock time, so a run is reproducible from its seed.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sync.memory import ServerCrashed

Reply = tuple[int, bytes]


@dataclass
class NetworkFaults:
    drop_request: float = 0.08
    lose_response: float = 0.12
    duplicate: float = 0.08
    delay: float = 0.15
    max_delay_turns: int = 60
    timeout_turns: int = 150


@dataclass
class NetworkStats:
    requests: int = 0
    dropped: int = 0
    lost_responses: int = 0
    duplicated: int = 0
    delayed: int = 0
    timeouts: int = 0
    server_crashes: int = 0


@dataclass
class Network:
    rng: random.Random
    faults: NetworkFaults
    healed: bool = False
    stats: NetworkStats = field(default_factory=NetworkStats)
    server_errors: list[str] = field(default_factory=list)
    in_flight: set[asyncio.Task[None]] = field(default_factory=set)

    async def call(self, handler: Callable[[], Awaitable[Reply]]) -> Reply | None:
        """Send one request; None when no answer reached the client."""
        self.stats.requests += 1
        if self.healed:
            return await self._serve(handler)
        if self.rng.random() < self.faults.drop_request:
            self.stats.dropped += 1
            return None
        copies = 2 if self.rng.random() < self.faults.duplicate else 1
        self.stats.duplicated += copies - 1
        answer: asyncio.Future[Reply | None] = asyncio.get_running_loop().create_future()
        for _ in range(copies):
            delay = 0
            if self.rng.random() < self.faults.delay:
                delay = self.rng.randint(1, self.faults.max_delay_turns)
                self.stats.delayed += 1
            task = asyncio.ensure_future(self._deliver(handler, delay, answer))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        for _ in range(self.faults.timeout_turns):
            if answer.done():
                break
            await asyncio.sleep(0)
        if not answer.done():
            self.stats.timeouts += 1
            return None
        reply = answer.result()
        if reply is not None and self.rng.random() < self.faults.lose_response:
            self.stats.lost_responses += 1
            return None
        return reply

    async def _serve(self, handler: Callable[[], Awaitable[Reply]]) -> Reply | None:
        try:
            return await handler()
        except ServerCrashed:
            self.stats.server_crashes += 1
            return None
        except Exception as exc:  # an HTTP server answers 500 to anything else; the run reports it
            self.server_errors.append(repr(exc))
            return (500, b"")

    async def _deliver(
        self, handler: Callable[[], Awaitable[Reply]], delay: int, answer: asyncio.Future[Reply | None]
    ) -> None:
        for _ in range(delay):
            await asyncio.sleep(0)
        reply = await self._serve(handler)
        if not answer.done():
            answer.set_result(reply)

    async def settle(self) -> None:
        """Wait for every delivery still travelling (late duplicates included)."""
        while self.in_flight:
            await asyncio.gather(*list(self.in_flight))
