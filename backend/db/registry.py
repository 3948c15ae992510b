"""Imports every domain's models so `Base.metadata` is complete (for Alembic and tests)."""

from __future__ import annotations

import importlib
import pkgutil

import backend.domain


def import_all_models() -> None:
    for info in pkgutil.iter_modules(backend.domain.__path__):
        if not info.ispkg:
            continue
        name = f"backend.domain.{info.name}.models"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
