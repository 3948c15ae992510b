"""The collector's TOML config, validated with msgspec; unknown keys are refused.

``load_config(path)`` returns a ``CollectorConfig`` or raises ``ConfigError`` whose message names
the file, the line and the key path, e.g.
``plant.toml:14: sources[0].tags[2].deadband: only allowed on tags with role 'analog' ...``.
Relative file paths (spool, certificates) are resolved against the config file's folder.
"""

from __future__ import annotations

import re
import socket
import tomllib
from pathlib import Path
from typing import Annotated, Any

import msgspec

from backend.collector._toml_locate import PathPart, find_line, format_path, parse_msgspec_path
from backend.collector.adapters.modbus.config import ModbusSource
from backend.collector.adapters.opcua.config import OpcUaSource
from backend.collector.errors import ConfigError

__all__ = [
    "ApiConfig",
    "CollectorConfig",
    "CollectorSection",
    "ConfigError",
    "SourceConfig",
    "SpoolConfig",
    "load_config",
    "parse_config",
]

SourceConfig = OpcUaSource | ModbusSource


class CollectorSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How the collector names itself and supervises its sources.

    A source that fails ``demote_after`` connection attempts in a row is skipped for
    ``demote_s`` seconds. Unchanged values are re-sent every ``heartbeat_s`` seconds.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = msgspec.field(
        default_factory=socket.gethostname
    )
    heartbeat_s: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    reconnect_initial_ms: Annotated[int, msgspec.Meta(ge=1)] = 500
    reconnect_max_ms: Annotated[int, msgspec.Meta(ge=1)] = 30_000
    demote_after: Annotated[int, msgspec.Meta(ge=1)] = 5
    demote_s: Annotated[float, msgspec.Meta(ge=0)] = 60.0
    flush_interval_ms: Annotated[int, msgspec.Meta(ge=1, le=60_000)] = 200


class ApiConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Where batches go: ``POST {url}/api/ingest/batches`` with ``Authorization: Bearer {token}``."""

    url: Annotated[str, msgspec.Meta(pattern=r"^https?://.+")]
    token: Annotated[str, msgspec.Meta(min_length=1)]
    batch_size: Annotated[int, msgspec.Meta(ge=1, le=50_000)] = 1000
    send_interval_ms: Annotated[int, msgspec.Meta(ge=1)] = 1000
    timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 10.0
    retry_max_ms: Annotated[int, msgspec.Meta(ge=1)] = 30_000


class SpoolConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The on-disk queue: a SQLite file; ``max_bytes`` bounds the stored sample payload."""

    path: Annotated[str, msgspec.Meta(min_length=1)]
    max_bytes: Annotated[int, msgspec.Meta(ge=4096)] = 256 * 1024 * 1024


class CollectorConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The whole file."""

    api: ApiConfig
    spool: SpoolConfig
    sources: Annotated[list[SourceConfig], msgspec.Meta(min_length=1)]
    collector: CollectorSection = msgspec.field(default_factory=CollectorSection)


_PREFIXED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*): (.*)$", re.S)
_ERROR = re.compile(r"^(.*?)(?: - at `(\$[^`]*)`)?$", re.S)
_FIELD = re.compile(r"(?:unknown|required) field `([^`]+)`")


def _error(text: str, origin: str, path: tuple[PathPart, ...], detail: str) -> ConfigError:
    line = find_line(text, path) if path else None
    where = f"{origin}:{line}" if line is not None else origin
    key = format_path(path) or "(top level)"
    return ConfigError(f"{where}: {key}: {detail}", path=key, line=line)


def parse_config(text: str, origin: str = "<config>", base_dir: Path | None = None) -> CollectorConfig:
    """Validate TOML ``text``; ``origin`` names the file in error messages."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        raise ConfigError(f"{origin}:{line or '?'}: invalid TOML: {exc}", line=line) from exc
    try:
        config = msgspec.convert(raw, CollectorConfig, strict=True)
    except msgspec.ValidationError as exc:
        message, at = _ERROR.match(str(exc)).groups()  # type: ignore[union-attr]
        path = parse_msgspec_path(at or "$")
        field = _FIELD.search(message)
        prefixed = _PREFIXED.match(message)
        if field:
            path = (*path, field.group(1))
            message = "unknown key" if "unknown" in message else "required key is missing"
        elif prefixed:
            path = (*path, prefixed.group(1))
            message = prefixed.group(2)
        raise _error(text, origin, path, message) from exc
    _check_unique(config, text, origin)
    return _resolve_paths(config, base_dir) if base_dir is not None else config


def _check_unique(config: CollectorConfig, text: str, origin: str) -> None:
    sources: set[str] = set()
    tags: set[str] = set()
    for i, source in enumerate(config.sources):
        if source.name in sources:
            raise _error(text, origin, ("sources", i, "name"), f"source name {source.name!r} is used twice")
        sources.add(source.name)
        for j, tag in enumerate(source.tags):
            if tag.name in tags:
                raise _error(
                    text, origin, ("sources", i, "tags", j, "name"), f"tag name {tag.name!r} is used twice"
                )
            tags.add(tag.name)


def _resolve_paths(config: CollectorConfig, base_dir: Path) -> CollectorConfig:
    def resolve(value: str | None) -> str | None:
        if value is None:
            return None
        p = Path(value).expanduser()
        return str(p if p.is_absolute() else (base_dir / p).resolve())

    spool = msgspec.structs.replace(config.spool, path=resolve(config.spool.path) or config.spool.path)
    sources: list[SourceConfig] = []
    for source in config.sources:
        if isinstance(source, OpcUaSource):
            source = msgspec.structs.replace(
                source,
                certificate=resolve(source.certificate),
                private_key=resolve(source.private_key),
                server_certificate=resolve(source.server_certificate),
            )
        sources.append(source)
    return msgspec.structs.replace(config, spool=spool, sources=sources)


def load_config(path: str | Path) -> CollectorConfig:
    """Read and validate the config file at ``path``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config: {exc}") from exc
    return parse_config(text, origin=str(p), base_dir=p.parent.resolve())
