"""Click commands ``collector`` and ``simulate``, attached to the ``gemba`` group by the main CLI.

``python -m backend.collector`` runs the same two commands standalone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

import click

from backend.collector.errors import ConfigError


def _logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("asyncua", "pymodbus", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


@click.command("collector")
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--log-level", default="info", show_default=True)
def collector(config_path: Path, log_level: str) -> None:
    """Read the PLCs named in CONFIG and ship their samples to the API."""
    from backend.collector.config import load_config
    from backend.collector.runtime import run_collector

    _logging(log_level)
    try:
        load_config(config_path)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_collector(config_path))


@click.command("simulate")
@click.option(
    "--machines", default="PRESS-01,PRESS-02,CNC-01,CNC-02", show_default=True, help="Comma-separated codes."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--opcua-port", default=4840, show_default=True)
@click.option("--modbus-port", default=5020, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--tick", "tick_s", default=0.5, show_default=True, help="Simulation step in seconds.")
@click.option(
    "--profile",
    type=click.Choice(["lively", "demo"]),
    default="lively",
    show_default=True,
    help="How often machines stop: lively (every two minutes, always a fault) or demo.",
)
@click.option(
    "--write-config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a matching collector config.",
)
@click.option("--api-url", default="http://127.0.0.1:8000", show_default=True)
@click.option(
    "--token", default="change-me", show_default=True, help="Collector token for the written config."
)
@click.option("--spool", "spool_path", default="var/collector-spool.db", show_default=True)
@click.option("--log-level", default="info", show_default=True)
def simulate(
    machines: str,
    host: str,
    opcua_port: int,
    modbus_port: int,
    seed: int,
    tick_s: float,
    profile: str,
    write_config: Path | None,
    api_url: str,
    token: str,
    spool_path: str,
    log_level: str,
) -> None:
    """Serve simulated machines over OPC UA and Modbus TCP."""
    from backend.collector.simulate import run_simulators

    _logging(log_level)
    codes = [c.strip() for c in machines.split(",") if c.strip()]
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_simulators(
                codes,
                host=host,
                opcua_port=opcua_port,
                modbus_port=modbus_port,
                seed=seed,
                tick_s=tick_s,
                config_path=write_config,
                api_url=api_url,
                token=token,
                spool_path=spool_path,
                profile=profile,
            )
        )


@click.group()
def main() -> None:
    """Gemba edge collector."""


main.add_command(collector)
main.add_command(simulate)
