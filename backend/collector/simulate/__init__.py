"""Simulated PLCs for the demo plant and the tests: an OPC UA server and a Modbus TCP server.

``Plant`` steps a list of ``Machine`` models (deterministic for a seed) and mirrors their state
into both servers; ``run_simulators`` is the ``gemba simulate`` entry point and
``write_collector_config`` writes the collector config that reads them.
"""

from backend.collector.simulate.config_writer import collector_config_toml, write_collector_config
from backend.collector.simulate.machine import Machine, MachineState
from backend.collector.simulate.plant import Plant, run_simulators

__all__ = [
    "Machine",
    "MachineState",
    "Plant",
    "collector_config_toml",
    "run_simulators",
    "write_collector_config",
]
