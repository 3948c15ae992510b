"""One seeded simulation run: a faulty phase, then heal, drain and check."""

from __future__ import annotations

import asyncio
import os
import random
from dataclasses import dataclass, field

from sync.memory import ServerCrashed
from sync.refdomain import Seed
from sync.simulation._checker import Violation, check
from sync.simulation._device import GrantLog, SimDevice
from sync.simulation._network import Network, NetworkFaults
from sync.simulation._target import FaultHooks, SimTarget, TargetFactory, memory_target


@dataclass(frozen=True)
class SimConfig:
    devices: int = 24
    users: int = 8
    sites: int = 3
    workorders_per_site: int = 6
    stock_per_site: int = 2
    ticks: int = 40
    batch_size: int = 5
    page_size: int = 25
    max_work_per_tick: int = 2
    p_offline: float = 0.08
    offline_ticks: tuple[int, int] = (2, 14)
    p_device_crash: float = 0.03
    p_server_restart: float = 0.03
    p_crash_on_commit: float = 0.02
    p_grant_change: float = 0.2
    compact_every: int = 8
    keep_changes: int = 150
    network: NetworkFaults = field(default_factory=NetworkFaults)
    heal_rounds: int = 12
    stall_seconds: float = 60.0
    """Wall-clock guard against a deadlock; never reached by a healthy run."""


@dataclass
class SimReport:
    seed: int
    violations: list[Violation]
    stats: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self, limit: int = 8) -> str:
        lines = [f"seed {self.seed}: {len(self.violations)} violation(s); {self.stats}"]
        lines += [f"  [{v.invariant}] {v.detail}" for v in self.violations[:limit]]
        return "\n".join(lines)


def seeds_from_env(default: int, *, variable: str = "GEMBA_SIM_SEEDS") -> list[int]:
    """Seeds 0..n-1, where n comes from the environment (a soak) or `default` (CI budget)."""
    return list(range(int(os.environ.get(variable, default))))


def make_seed(rng: random.Random, config: SimConfig) -> Seed:
    sites = [f"s{i}" for i in range(config.sites)]
    users = {f"u{i}": tuple(sorted(rng.sample(sites, rng.randint(1, 2)))) for i in range(config.users)}
    workorders = {f"wo-{s}-{j}": s for s in sites for j in range(config.workorders_per_site)}
    stock = {f"st-{s}-{j}": (s, rng.randint(0, 8)) for s in sites for j in range(config.stock_per_site)}
    return Seed(users=users, workorders=workorders, stock=stock)


class _Run:
    def __init__(self, seed: int, config: SimConfig, factory: TargetFactory) -> None:
        self.config = config
        self.rng = random.Random(seed)
        self.hooks = FaultHooks(
            random.Random(self.rng.getrandbits(64)), crash_on_commit_p=config.p_crash_on_commit
        )
        self.target: SimTarget = factory(self.hooks)
        self.network = Network(random.Random(self.rng.getrandbits(64)), config.network)
        self.spec = make_seed(self.rng, config)
        self.sites = [f"s{i}" for i in range(config.sites)]
        self.grants = GrantLog()
        users = sorted(self.spec.users)
        self.devices = [
            SimDevice(
                i,
                users[i % len(users)],
                random.Random(self.rng.getrandbits(64)),
                self.target,
                self.network,
                self.grants,
            )
            for i in range(config.devices)
        ]
        self.stats = {"server_restarts": 0, "grant_changes": 0, "compactions": 0}

    async def setup(self) -> None:
        self.hooks.crashes = False
        await self.target.setup(self.spec)
        for user, sites in sorted(self.spec.users.items()):
            self.grants.record(user, frozenset(sites))
        for device in self.devices:
            self.target.register_device(device.token, device.client_id, device.user)

    async def admin(self, tick: int) -> None:
        if tick and tick % self.config.compact_every == 0:
            self.target.compact(self.config.keep_changes)
            self.stats["compactions"] += 1
        if self.rng.random() >= self.config.p_grant_change:
            return
        user = self.rng.choice(sorted(self.spec.users))
        old = self.grants.current(user)
        new = old ^ {self.rng.choice(self.sites)} or old
        self.grants.record(user, old | new)
        try:
            await self.target.set_user_sites(user, sorted(new))
        except ServerCrashed:
            self.grants.record(user, old)
            return
        self.grants.record(user, new)
        self.stats["grant_changes"] += 1

    async def faulty_phase(self) -> None:
        config = self.config
        self.hooks.crashes = True
        for tick in range(config.ticks):
            for device in self.devices:
                if tick >= device.offline_until and self.rng.random() < config.p_offline:
                    device.offline_until = tick + self.rng.randint(*config.offline_ticks)
                if self.rng.random() < config.p_device_crash:
                    device.crash()
            if self.rng.random() < config.p_server_restart:
                self.target.restart()
                self.stats["server_restarts"] += 1
            steps = [
                d.step(
                    tick,
                    self.sites,
                    config.batch_size,
                    config.page_size,
                    self.rng.randint(0, config.max_work_per_tick),
                )
                for d in self.devices
            ]
            await asyncio.gather(*steps, self.admin(tick))

    async def heal(self) -> list[Violation]:
        self.hooks.crashes = False
        self.network.healed = True
        for device in self.devices:
            device.offline_until = 0
        await self.network.settle()
        for _ in range(self.config.heal_rounds):
            await asyncio.gather(
                *(d.drain(self.config.batch_size, self.config.page_size) for d in self.devices)
            )
            if not any(d.outbox.pending for d in self.devices):
                break
        await self.network.settle()
        stuck = []
        for device in self.devices:
            if not await device.drain(self.config.batch_size, self.config.page_size):
                stuck.append(Violation("liveness", f"{device.token} did not drain and reveal after healing"))
        return stuck

    def collect_stats(self) -> dict[str, int]:
        stats = dict(self.stats)
        stats.update(vars(self.network.stats))
        stats["crashes_on_commit"] = self.hooks.injected_crashes
        for name in ("queued", "crashes", "resets_required", "reveals", "replaced"):
            stats[f"device_{name}"] = sum(getattr(d.stats, name) for d in self.devices)
        return stats


async def run_simulation(
    seed: int, config: SimConfig | None = None, factory: TargetFactory = memory_target
) -> SimReport:
    """Run one seeded simulation against the target `factory` builds, and check the invariants."""
    config = config or SimConfig()
    run = _Run(seed, config, factory)
    try:
        async with asyncio.timeout(config.stall_seconds):
            await run.setup()
            await run.faulty_phase()
            violations = await run.heal()
    except TimeoutError:
        return SimReport(seed, [Violation("liveness", "the run stalled (deadlock?)")], run.collect_stats())
    view = await run.target.inspect()
    violations += await check(view, run.spec, run.devices, run.grants)
    violations += [Violation("server_error", e) for e in run.network.server_errors]
    stats = run.collect_stats()
    stats["conflicts"] = sum(1 for key in view.rows if key[0] == "conflict")
    stats["rejected"] = sum(1 for r in view.results.values() if r.status == "rejected")
    stats["applied"] = sum(1 for r in view.results.values() if r.status == "applied")
    return SimReport(seed, violations, stats)
