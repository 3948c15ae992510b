"""The demo plant that `gemba run` brings up beside the API: simulated PLCs and one collector per
demo site, each a child process of its own, as they would run in a plant.

- `gemba demo collectors` makes sure every demo site has a collector token (kept under `var/`,
  so a restart reuses them);
- `gemba simulate --profile demo` serves every demo machine over OPC UA and Modbus TCP; the
  machines stop now and then, some with a fault code;
- `gemba collector --config <site>.toml` per site: NORTH reads its machines over OPC UA, SOUTH
  over Modbus, and both send to the API.

Files (configs, spools, tokens, logs) live in `var/demo-plant/<database>/`, one folder per
database, so switching databases never sends one database's samples to another.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from backend.collector.simulate.config_writer import write_collector_config
from backend.demo.plant import SITES
from backend.settings import PROJECT_ROOT, Settings

OPCUA_SITE = "NORTH"
OPCUA_PORT = 4840
MODBUS_PORT = 5020
TOKEN_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0


def machines_by_site() -> dict[str, list[str]]:
    """The demo machines' asset codes per site, in plant order."""
    return {
        site.code: [m.code for area in site.areas for line in area.lines for m in line.machines]
        for site in SITES
    }


def workdir_for(settings: Settings) -> Path:
    key = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    return PROJECT_ROOT / "var" / "demo-plant" / key


def _port_or_free(host: str, wanted: int) -> int:
    """`wanted` when nothing listens on it, else a free port (a second demo on one computer)."""
    for port in (wanted, 0):
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise OSError(f"no free port on {host}")


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies (Linux), so a parent killed
    with SIGKILL leaves no simulator or collector behind."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMBA_")}
    env.update(
        GEMBA_DATABASE_URL=settings.database_url,
        GEMBA_MODE=settings.mode,
        GEMBA_SECRET_KEY=settings.secret_key,
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class DemoPlant:
    """The running children; `stop()` ends them (collectors first, so they spool what they read)."""

    workdir: Path
    opcua_endpoint: str
    modbus_address: str
    tokens: dict[str, str]
    collectors: list[subprocess.Popen[bytes]] = field(default_factory=list)
    simulator: subprocess.Popen[bytes] | None = None
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        return [*self.collectors, *([self.simulator] if self.simulator else [])]

    def stop(self) -> None:
        for group in (self.collectors, [self.simulator] if self.simulator else []):
            _end(group)
        for log in self._logs:
            log.close()
        self._logs.clear()


def _end(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGINT (a collector flushes its buffer to the spool), then SIGTERM, then SIGKILL."""
    for sig, wait_s in ((signal.SIGINT, STOP_TIMEOUT_S), (signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        alive = [p for p in processes if p.poll() is None]
        if not alive:
            return
        for p in alive:
            with contextlib.suppress(ProcessLookupError):
                p.send_signal(sig)
        deadline = time.monotonic() + wait_s
        for p in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(max(0.0, deadline - time.monotonic()))


def _gemba(python: str, *args: str) -> list[str]:
    return [python, "-m", "backend.cli", *args]


def ensure_tokens(settings: Settings, store: Path, python: str = sys.executable) -> dict[str, str]:
    """Site code → collector token, through `gemba demo collectors` (a short session of its own)."""
    done = subprocess.run(
        _gemba(python, "demo", "collectors", "--store", str(store)),
        env=_env(settings),
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=TOKEN_TIMEOUT_S,
        check=False,
    )
    lines = done.stdout.decode(errors="replace").strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(done.stderr.decode(errors="replace").strip() or "no tokens were printed")
    tokens = json.loads(lines[-1])
    assert isinstance(tokens, dict)
    return {str(k): str(v) for k, v in tokens.items()}


def launch(
    settings: Settings,
    host: str,
    port: int,
    *,
    workdir: Path | None = None,
    opcua_port: int = OPCUA_PORT,
    modbus_port: int = MODBUS_PORT,
    python: str = sys.executable,
    seed: int = 0,
) -> DemoPlant:
    """Start the simulators and the collectors; the API at `host:port` need not be up yet (the
    collectors spool until it answers)."""
    workdir = workdir or workdir_for(settings)
    workdir.mkdir(parents=True, exist_ok=True)
    tokens = ensure_tokens(settings, workdir / "collector-tokens.json", python)
    api_host = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host
    api_url = f"http://{'[' + api_host + ']' if ':' in api_host else api_host}:{port}"
    sites = machines_by_site()
    every = [code for codes in sites.values() for code in codes]
    opcua_port = _port_or_free("127.0.0.1", opcua_port)
    modbus_port = _port_or_free("127.0.0.1", modbus_port)
    plant = DemoPlant(
        workdir=workdir,
        opcua_endpoint=f"opc.tcp://127.0.0.1:{opcua_port}/gemba/",
        modbus_address=f"127.0.0.1:{modbus_port}",
        tokens=tokens,
    )
    configs = []
    for code, machines in sites.items():
        if code not in tokens:
            continue
        on_opcua = code == OPCUA_SITE
        configs.append(
            write_collector_config(
                workdir / f"collector-{code.lower()}.toml",
                opcua_machines=machines if on_opcua else [],
                modbus_machines=[] if on_opcua else machines,
                all_machines=every,
                opcua_endpoint=plant.opcua_endpoint,
                modbus_host="127.0.0.1",
                modbus_port=modbus_port,
                api_url=api_url,
                token=tokens[code],
                spool_path=f"spool-{code.lower()}.db",
                collector_name=f"demo-{code.lower()}",
            )
        )
    env = _env(settings)

    def spawn(name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = (workdir / f"{name}.log").open("ab")
        plant._logs.append(log)
        return subprocess.Popen(
            _gemba(python, *args),
            env=env,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    try:
        plant.simulator = spawn(
            "simulate",
            [
                "simulate",
                "--machines",
                ",".join(every),
                "--host",
                "127.0.0.1",
                "--opcua-port",
                str(opcua_port),
                "--modbus-port",
                str(modbus_port),
                "--profile",
                "demo",
                "--seed",
                str(seed),
                "--log-level",
                "warning",
            ],
        )
        for config in configs:
            plant.collectors.append(
                spawn(config.stem, ["collector", "--config", str(config), "--log-level", "warning"])
            )
    except BaseException:
        plant.stop()
        raise
    return plant


def start(settings: Settings, host: str, port: int) -> Callable[[], None]:
    """Used by `gemba run`: bring up the demo plant and return the function that stops it."""
    try:
        plant = launch(settings, host, port)
    except (OSError, RuntimeError, subprocess.SubprocessError, ValueError) as exc:
        print(f"The simulated plant did not start: {exc}", file=sys.stderr, flush=True)
        return lambda: None
    print(
        f"Simulated PLCs: OPC UA {plant.opcua_endpoint} (NORTH), Modbus TCP {plant.modbus_address} "
        f"(SOUTH); collectors send to the API. Logs: {plant.workdir}",
        flush=True,
    )
    return plant.stop
