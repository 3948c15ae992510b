"""A seeded fault-injection simulation of the whole protocol, and the invariant checker.

Twenty-odd devices share sites and edit the same work orders and stock, go offline for random
stretches, crash (keeping only their durable outbox and revealed replica) while the network
drops requests, loses responses after commit, duplicates and reorders deliveries, and the server
restarts (also in the middle of commits), compacts its change log and changes users' sites. Then
everything heals, drains, and `check` verifies the invariants. Every run is reproducible from its
seed: waiting is counted in event-loop turns, never in wall-clock time.

The server is a `SimTarget` built by a factory, so the same run can exercise the in-memory
reference store (`memory_target`), deliberately broken variants (`sync.simulation.broken`), or a
database-backed target.
"""

from sync.simulation._checker import Violation, check
from sync.simulation._device import GrantLog, SimDevice
from sync.simulation._network import Network, NetworkFaults
from sync.simulation._runner import SimConfig, SimReport, run_simulation, seeds_from_env
from sync.simulation._target import (
    FaultHooks,
    MemoryTarget,
    ServerView,
    SimTarget,
    TargetFactory,
    memory_target,
)

__all__ = [
    "FaultHooks",
    "GrantLog",
    "MemoryTarget",
    "Network",
    "NetworkFaults",
    "ServerView",
    "SimConfig",
    "SimDevice",
    "SimReport",
    "SimTarget",
    "TargetFactory",
    "Violation",
    "check",
    "memory_target",
    "run_simulation",
    "seeds_from_env",
]
