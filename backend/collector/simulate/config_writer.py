"""Writes the collector config (TOML) that reads the simulated plant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backend.collector.simulate.modbus_server import LAYOUT, STRIDE
from backend.collector.simulate.opcua_server import node_id

_ROLES = {
    "run": "run_state",
    "fault_code": "fault_code",
    "good": "good_count",
    "scrap": "scrap_count",
    "run_hours": "run_hours",
    "temperature": "analog",
    "vibration": "analog",
}
_DEADBANDS = {"temperature": 0.2, "vibration": 0.05}


def _q(value: str) -> str:
    return json.dumps(value)


def collector_config_toml(
    *,
    opcua_machines: list[str],
    modbus_machines: list[str],
    opcua_endpoint: str,
    modbus_host: str,
    modbus_port: int,
    api_url: str,
    token: str,
    spool_path: str,
    all_machines: list[str] | None = None,
    collector_name: str = "demo-plant",
    opcua_mode: str = "subscription",
    publishing_interval_ms: int = 200,
    poll_interval_ms: int = 500,
    extra_collector: str = "",
) -> str:
    """The config text. ``all_machines`` is the server's machine order (Modbus addresses)."""
    order = all_machines or modbus_machines
    out = [
        "# Collector config for the simulated plant (written by `gemba simulate`).",
        "[collector]",
        f"name = {_q(collector_name)}",
        extra_collector,
        "",
        "[api]",
        f"url = {_q(api_url)}",
        f"token = {_q(token)}",
        "batch_size = 500",
        "send_interval_ms = 500",
        "",
        "[spool]",
        f"path = {_q(spool_path)}",
        "max_bytes = 67108864",
    ]
    if opcua_machines:
        out += [
            "",
            "[[sources]]",
            'kind = "opcua"',
            'name = "plant-opcua"',
            f"endpoint = {_q(opcua_endpoint)}",
            f"mode = {_q(opcua_mode)}",
            f"publishing_interval_ms = {publishing_interval_ms}",
            "sampling_interval_ms = 100",
            "queue_size = 10",
            f"poll_interval_ms = {poll_interval_ms}",
            "keepalive_ms = 1000",
        ]
        for code in opcua_machines:
            for tag, role in _ROLES.items():
                out += ["", "  [[sources.tags]]", f"  name = {_q(f'{code}.{tag}')}", f"  asset = {_q(code)}"]
                out += [f"  role = {_q(role)}", f"  node_id = {_q(node_id(code, tag))}"]
                if tag in _DEADBANDS:
                    out.append(f"  deadband = {_DEADBANDS[tag]}")
    if modbus_machines:
        out += [
            "",
            "[[sources]]",
            'kind = "modbus"',
            'name = "plant-modbus"',
            f"host = {_q(modbus_host)}",
            f"port = {modbus_port}",
            "unit_id = 1",
            f"poll_interval_ms = {poll_interval_ms}",
            "timeout_s = 1.0",
            "max_gap = 8",
        ]
        for code in modbus_machines:
            index = order.index(code)
            out += ["", "  [[sources.tags]]", f"  name = {_q(f'{code}.run')}", f"  asset = {_q(code)}"]
            out += [
                '  role = "run_state"',
                '  function = "coils"',
                f"  address = {index}",
                '  data_type = "bool"',
            ]
            for tag, (offset, data_type, order_) in LAYOUT.items():
                out += ["", "  [[sources.tags]]", f"  name = {_q(f'{code}.{tag}')}", f"  asset = {_q(code)}"]
                out += [f"  role = {_q(_ROLES[tag])}", '  function = "holding_registers"']
                out += [f"  address = {STRIDE * index + offset}", f"  data_type = {_q(data_type)}"]
                out.append(f"  byte_order = {_q(order_)}")
    return "\n".join(out) + "\n"


def write_collector_config(path: str | Path, **kwargs: Any) -> Path:
    """Write ``collector_config_toml(**kwargs)`` to ``path``."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(collector_config_toml(**kwargs), encoding="utf-8")
    return p
