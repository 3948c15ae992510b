"""Imports every domain's models (so `Base.metadata` is complete, for Alembic and tests) and its
`hooks` module (where a context registers into another context's event lists), then the sync
server's tables and its change capture (every process that writes must feed the change log)."""

from __future__ import annotations

import importlib
import pkgutil

import backend.domain


def _import_optional(name: str) -> None:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise


def import_all_models() -> None:
    packages = [info.name for info in pkgutil.iter_modules(backend.domain.__path__) if info.ispkg]
    for name in packages:
        _import_optional(f"backend.domain.{name}.models")
    for name in packages:
        _import_optional(f"backend.domain.{name}.hooks")
    for name in ("backend.replication.models", "backend.replication.hooks"):
        _import_optional(name)
